"""What every content table shares: the bookkeeping fields, natural-key managers and the source a row cites."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from simple_history.models import HistoricalRecords


class NaturalKeyManager(models.Manager):
    """Look rows up by their natural key so fixtures can name them instead of ids."""

    natural_key_field = "slug"

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})


class KeyManager(NaturalKeyManager):
    natural_key_field = "key"


class StepChannelManager(models.Manager):
    def get_by_natural_key(self, step_key, kind, label):
        return self.get(step__key=step_key, kind=kind, label=label)


class HolidayManager(models.Manager):
    def get_by_natural_key(self, date):
        return self.get(date=date)


# Inside `fixture_defaults()`, a row's 已发布 defaults to True: the fixture files write only
# `is_published: false` (drafts), as export_content always has. Everywhere else a new row is a draft.
_FIXTURE_DEFAULTS = ContextVar("fixture_defaults", default=False)


def new_rows_are_drafts():
    """The default of `is_published`: False (a draft), except while reading or writing fixture files."""
    return _FIXTURE_DEFAULTS.get()


@contextmanager
def fixture_defaults():
    """Read or write fixture files with their own default: a row without `is_published: false` is published."""
    token = _FIXTURE_DEFAULTS.set(True)
    try:
        yield
    finally:
        _FIXTURE_DEFAULTS.reset(token)


def publishing_errors(obj):
    """The one publishing rule (form, list cell, bulk action, fixture): nothing goes public without a 来源."""
    if obj.is_published and obj.source_id is None:
        return {
            "source": f"发布前请填写来源：没有来源的{obj._meta.verbose_name}只能是草稿（不勾选“已发布”）。"
            "请先在“来源”里选择或新建它依据的文件或文章。"
        }
    return {}


class Content(models.Model):
    """Fields every content table carries: publication, review date, source and order."""

    is_published = models.BooleanField(
        "已发布",
        default=new_rows_are_drafts,
        help_text="不勾选即为草稿：只有登录的编辑能在网站上预览。新建的内容默认是草稿；发布前须填写来源。",
    )
    reviewed_on = models.DateField(
        "最后审核日期", null=True, blank=True, help_text="最近一次核对这条内容与来源一致的日期。"
    )
    source = models.ForeignKey(
        "Source",
        verbose_name="来源",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="这条内容依据的政策文件或文章。",
    )
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面。")
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_default=Now())

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def clean_fields(self, exclude=None):
        # Here rather than in clean(): full_clean() reports it together with the subclasses' own checks.
        # Not skipped when a form leaves `source` out (a list row): publishing still needs it.
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, message in publishing_errors(self).items():
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)


class Source(models.Model):
    """A policy document, official guide or article that content is taken from."""

    class Kind(models.TextChoices):
        POLICY = "policy", "政策文件（设定依据）"
        GUIDE = "guide", "官方办事指南"
        ARTICLE = "article", "文章"

    class Authority(models.TextChoices):
        OFFICIAL = "official", "官方原文"
        OFFICIAL_REPOST = "official-repost", "官方转载"
        THIRD_PARTY = "third-party", "第三方资料"

    key = models.SlugField("标识", max_length=80, unique=True, help_text="英文小写与连字符，用于链接与导入。")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("发布机构", max_length=200, blank=True)
    number = models.CharField("文号", max_length=100, blank=True, help_text="例如：人社厅发〔2023〕16号。")
    clause = models.CharField("条款", max_length=200, blank=True, help_text="所依据的具体条款，没有可留空。")
    published_on = models.DateField("发布日期", null=True, blank=True)
    url = models.URLField("链接", blank=True)
    authority = models.CharField(
        "可信程度",
        max_length=20,
        choices=Authority.choices,
        default=Authority.THIRD_PARTY,
        help_text="官方原文：发证机关或主管部门自己网站（多为 gov.cn）上的原文；官方转载：官方文本被其他网站转载，"
        "未见原文；第三方资料：文章、聚合网站等。只依据第三方资料的页面会在顶部提醒读者核实。",
    )
    read_on = models.DateField("查阅日期", null=True, blank=True, help_text="编辑最近一次打开并阅读这个来源的日期。")
    note = models.CharField("说明", max_length=200, blank=True, help_text="例如：待核实。")
    certificate_types = models.ManyToManyField(
        "guides.CertificateType",
        verbose_name="只管这些证书类型",
        blank=True,
        related_name="+",
        help_text="这个文本只适用于某些证书类型时选上（例如只管专技职业资格证书的规程）；留空表示不限。"
        "情形和地区的说明只在它适用的证书类型的页面上把它列为依据。",
    )
    history = HistoricalRecords(m2m_fields=["certificate_types"])

    objects = KeyManager()

    class Meta:
        verbose_name = "来源"
        verbose_name_plural = "来源"
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.key,)

    def covers(self, certificate_type):
        """Tell whether this text applies to `certificate_type` (it names no type, or names this one)."""
        limited = self.certificate_types.all()  # prefetched by the catalogue
        return not limited or certificate_type in limited
