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
        ACCESS = "access", "职业资格（准入类）"
        LEVEL = "level", "职业资格（水平评价类）"
        SKILL_LEVEL = "skill-level", "职业技能等级证书"
        TITLE = "title", "职称"
        OTHER = "other", "其他证件（本站不涉及）"

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
        too_long = [a for a in self.alias_list() if len(a) > 30]
        if too_long:
            raise ValidationError({"aliases": f"每个叫法不超过 30 个字：{too_long[0]}"})
