"""The reference tables: certificate types, situations (reasons and circumstances) and regions."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from guides.models.base import Content, NaturalKeyManager


class CertificateType(Content):
    """A kind of qualification certificate, e.g. 专业技术人员职业资格证书."""

    class Category(models.TextChoices):
        PROFESSIONAL = "professional", "专业技术人员职业资格"
        SKILL = "skill", "技能人员职业资格/职业技能等级"
        TITLE = "title", "职称（专业技术资格）"

    slug = models.SlugField("网址标识", max_length=60, unique=True, help_text="出现在网址中，改动会使旧链接失效。")
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, help_text="用于标题和面包屑，例如：职称证书。")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    summary = models.CharField("一句话说明", max_length=200, blank=True)
    issuing_authority = models.CharField("发证机关", max_length=200, blank=True)
    examples = models.CharField("常见证书举例", max_length=300, blank=True)
    has_electronic = models.BooleanField(
        "可能有电子证书", default=False, help_text="这类证书是否可能同步发放可下载的电子证书。"
    )
    electronic_notes = models.TextField("电子证书说明", blank=True)
    validity_notes = models.TextField("有效期说明", blank=True)
    history = HistoricalRecords()

    objects = NaturalKeyManager()

    class Meta(Content.Meta):
        verbose_name = "证书类型"
        verbose_name_plural = "证书类型"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guides:certificate", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Situation(Content):
    """Why or how someone reissues: a reason (遗失, 损毁) or a circumstance (异地, 加急)."""

    class Kind(models.TextChoices):
        REASON = "reason", "原因（遗失、损毁）"
        CIRCUMSTANCE = "circumstance", "特殊情形（异地、加急）"

    slug = models.SlugField("网址标识", max_length=60, unique=True, help_text="出现在网址中，改动会使旧链接失效。")
    name = models.CharField("名称", max_length=50, help_text="例如：遗失。")
    title = models.CharField("页面标题用语", max_length=50, help_text="例如：遗失补办。")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    summary = models.CharField("一句话说明", max_length=200, blank=True)
    description = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    objects = NaturalKeyManager()

    class Meta(Content.Meta):
        verbose_name = "情形"
        verbose_name_plural = "情形"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def is_reason(self):
        return self.kind == self.Kind.REASON


class Region(Content):
    """A province-level region (办理地), keyed by its GB/T 2260 code."""

    code = models.CharField("行政区划代码", max_length=6, unique=True, help_text="GB/T 2260 六位代码，例如 440000。")
    slug = models.SlugField("网址标识", max_length=40, unique=True, help_text="出现在网址中，例如 guangdong。")
    name = models.CharField("名称", max_length=30, help_text="例如：广东省。")
    short_name = models.CharField("简称", max_length=10, help_text="例如：广东。")
    portal_name = models.CharField("政务服务网名称", max_length=100, blank=True)
    portal_url = models.URLField("政务服务网地址", blank=True)
    hotline = models.CharField("咨询电话", max_length=60, default="12333", help_text="人社服务热线。")
    complaint_contact = models.CharField("监督投诉方式", max_length=200, blank=True)
    office_notes = models.TextField("办理地点说明", blank=True)
    history = HistoricalRecords()

    objects = NaturalKeyManager()

    class Meta(Content.Meta):
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
