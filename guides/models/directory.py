"""The certificate directory: the names people know their certificates by, and who reissues each.

An entry is either in scope (it names the site's certificate type, whose guides apply)
or not (another ministry's system, or a document this site does not cover): then it
says who reissues it and how, with a source, and never pretends to be covered.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from guides.models.base import Content, NaturalKeyManager
from guides.models.reference import CertificateType

ALIAS_SEPARATORS = r"[\n/／、,，;；|]+"


class DirectoryEntry(Content):
    """One certificate or document as people name it (电工证, 一级建造师, 驾驶证)."""

    class Kind(models.TextChoices):
        ACCESS = "access", "专业技术人员职业资格（准入类）"
        LEVEL = "level", "专业技术人员职业资格（水平评价类）"
        SKILL_ACCESS = "skill-access", "技能人员职业资格（准入类）"
        SKILL_EVALUATION = "skill-evaluation", "技能人员职业资格（水平评价类）"
        SKILL_LEVEL = "skill-level", "职业技能等级证书"
        TITLE = "title", "职称"
        AMBIGUOUS = "ambiguous", "同一个叫法，几种证书"
        WITHDRAWN = "withdrawn", "已退出目录的职业资格"
        OTHER = "other", "其他证件（本站不涉及）"

    class Department(models.TextChoices):
        """The system that issues the certificate: what the directory filters by and routes on."""

        HRSS = "hrss", "人力资源社会保障（人事考试）"
        EDUCATION = "education", "教育"
        JUSTICE = "justice", "司法行政"
        HEALTH = "health", "卫生健康"
        FINANCE = "finance", "财政"
        CULTURE_TOURISM = "culture-tourism", "文化和旅游"
        TRANSPORT = "transport", "交通运输（含海事、铁路）"
        AGRICULTURE = "agriculture", "农业农村"
        CIVIL_AVIATION = "civil-aviation", "民航"
        FINANCIAL_REGULATION = "financial-regulation", "金融监管（证监会、银保监会）"
        EMERGENCY = "emergency", "应急管理（含消防、矿山安全）"
        MARKET_REGULATION = "market-regulation", "市场监管"
        HOUSING = "housing", "住房城乡建设"
        NATURAL_RESOURCES = "natural-resources", "自然资源"
        ECOLOGY = "ecology", "生态环境（核安全）"
        DEFENCE_INDUSTRY = "defence-industry", "国防科技工业"
        PUBLIC_SECURITY = "public-security", "公安"
        CIVIL_AFFAIRS = "civil-affairs", "民政"
        INDUSTRY_IT = "industry-it", "工业和信息化"
        MEDIA = "media", "广电、新闻出版"
        ASSOCIATION = "association", "行业协会、学会"
        OTHER = "other", "其他部门"

    slug = models.SlugField("网址标识", max_length=80, unique=True, help_text="出现在网址中，改动会使旧链接失效。")
    name = models.CharField("名称", max_length=100, help_text="证书上或目录里的正式名称。")
    aliases = models.TextField(
        "常用叫法",
        blank=True,
        help_text="人们搜索时会用的名字，每行一个，或用“/”“、”分隔，例如：电工证/低压电工证。搜索时按这些词找到这一条。",
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name="本站证书类型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_entries",
        help_text="属于本站哪类证书，就用那类的补办指南；留空表示本站不涉及，须写明由谁补办、怎么办。",
    )
    see_also = models.ForeignKey(
        CertificateType,
        verbose_name="容易混淆的本站证书类型",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="只用于本站不涉及的证件：人们常把它和本站某类证书混淆时（例如“电工证”既可能是特种作业操作证，"
        "也可能是职业技能等级证书），选那一类，页面会给出那一类补办指南的链接。",
    )
    department = models.CharField(
        "发证系统",
        max_length=30,
        choices=Department.choices,
        blank=True,
        help_text="证书归哪个系统发、由哪个系统补办（按来源所列实施部门）；目录按它筛选。"
        "只有来源把它放在人社 / 人事考试系统里的，才选“人力资源社会保障”并链接本站的专技指南。",
    )
    catalogue_no = models.CharField(
        "目录序号",
        max_length=20,
        blank=True,
        help_text="在《国家职业资格目录（2021年版）》里的序号，例如 14；技能类序号未读到的留空。",
    )
    e_certificate = models.BooleanField(
        "有电子证书",
        default=False,
        help_text="只在来源说这项资格发放电子证书时勾选（例如人社厅发〔2021〕97号所列各项），并在下一栏写明范围。",
    )
    e_certificate_note = models.CharField(
        "电子证书说明", max_length=300, blank=True, help_text="哪些级别、自何时起、在哪里下载，照来源写。"
    )
    more_sources = models.ManyToManyField(
        "Source",
        verbose_name="其他来源",
        blank=True,
        related_name="+",
        help_text="除“来源”外，这一条还依据的来源（例如补办办法、电子证书名单）；页面逐条列出并标明可信程度。",
    )
    alternatives = models.ManyToManyField(
        "self",
        verbose_name="可能是哪几种证书",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="只用于“同一个叫法，几种证书”：列出这个叫法可能指的各条，页面逐条给出链接和分辨办法。",
    )
    implemented_by = models.CharField(
        "实施部门 / 发证机关", max_length=200, blank=True, help_text="目录所列实施部门，或证书上的发证机关。"
    )
    reissued_by = models.CharField("由谁补办", max_length=200, blank=True, help_text="向哪个机关或机构申请补办。")
    how = models.TextField(
        "怎么办", blank=True, help_text="一两句话：在哪里、怎样申请补办。本站不涉及的，这就是页面给出的答案。"
    )
    history = HistoricalRecords()

    objects = NaturalKeyManager()

    class Meta(Content.Meta):
        verbose_name = "证书目录条目"
        verbose_name_plural = "证书目录"
        ordering = ["kind", "order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["guides.certificatetype", "guides.source"]

    def get_absolute_url(self):
        return reverse("guides:directory_entry", args=[self.slug])

    @property
    def in_scope(self):
        return self.certificate_type_id is not None

    @property
    def is_ambiguous(self):
        return self.kind == self.Kind.AMBIGUOUS

    def all_sources(self):
        """Return the entry's sources, the main one first (uses prefetched `more_sources`)."""
        extra = [s for s in self.more_sources.all() if s.pk != self.source_id]
        return ([self.source] if self.source_id else []) + sorted(extra, key=lambda s: s.key)

    def alias_list(self):
        """Return the entry's name and distinct aliases, as written."""
        seen = []
        for term in [self.name, *re.split(ALIAS_SEPARATORS, self.aliases)]:
            term = term.strip()
            if term and term not in seen:
                seen.append(term)
        return seen

    def clean(self):
        super().clean()
        if self.certificate_type_id is None and not (self.reissued_by.strip() and self.how.strip()):
            raise ValidationError({"how": "本站不涉及的证件，请写明由谁补办（“由谁补办”）和怎么办。"})
        if self.see_also_id is not None and self.certificate_type_id is not None:
            raise ValidationError(
                {"see_also": "“容易混淆的本站证书类型”只用于本站不涉及的证件；本站涉及的，已经链接到它自己的指南。"}
            )
        if self.certificate_type_id is not None and self.kind in (self.Kind.AMBIGUOUS, self.Kind.WITHDRAWN):
            raise ValidationError(
                {
                    "certificate_type": "“同一个叫法”和“已退出目录”的条目不链接某一类指南：请在“可能是哪几种证书”里列出各条。"
                }
            )
        if self.e_certificate and not self.e_certificate_note.strip():
            raise ValidationError(
                {"e_certificate_note": "勾选了“有电子证书”，请照来源写明范围（哪些级别、自何时起、在哪里下载）。"}
            )
        too_long = [a for a in self.alias_list() if len(a) > 30]
        if too_long:
            raise ValidationError({"aliases": f"每个叫法不超过 30 个字：{too_long[0]}"})
