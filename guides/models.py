"""Content of the reissue guides: reference tables, guide items and the holiday calendar.

Every guide item (precondition, material, step, processing time, fee, notice, FAQ)
shares the same applicability rule: it may be limited to some certificate types,
situations and regions (empty means all), and may replace another item of its kind.
`guides.selectors.assemble_guide` turns these rows into the guide for one request.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Now
from django.urls import reverse
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


class Content(models.Model):
    """Fields every content table carries: publication, review date, source and order."""

    is_published = models.BooleanField(
        "已发布", default=True, help_text="取消勾选即为草稿：只有登录的编辑能在网站上预览。"
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
    history = HistoricalRecords()

    objects = KeyManager()

    class Meta:
        verbose_name = "来源"
        verbose_name_plural = "来源"
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.key,)


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


class GuideItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_effect(self, on):
        """Return items in effect on the date `on` (open-ended dates are always in effect)."""
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )

    def applicable_to(self, certificate_type, situations, region):
        """Return items whose every non-empty limit matches the request.

        Reason limits (遗失, 损毁) and circumstance limits (异地, 加急) are matched
        separately: an item limited to 遗失 and 加急 applies only when both hold.
        When the request names no reason, reason-limited items stay in (the page
        labels them); when it names no region, region-limited items drop out.
        """
        model = self.model
        cert_through = model.certificate_types.through
        situation_through = model.situations.through
        region_through = model.regions.through
        item_field = f"{model._meta.model_name}_id"

        def limits(through, **filters):
            return Exists(through.objects.filter(**{item_field: OuterRef("pk")}, **filters))

        reasons = [s for s in situations if s.is_reason]
        circumstances = [s for s in situations if not s.is_reason]
        qs = self.filter(
            ~limits(cert_through) | limits(cert_through, certificatetype=certificate_type),
            ~limits(situation_through, situation__kind=Situation.Kind.CIRCUMSTANCE)
            | limits(situation_through, situation__in=circumstances),
        )
        if reasons:
            qs = qs.filter(
                ~limits(situation_through, situation__kind=Situation.Kind.REASON)
                | limits(situation_through, situation__in=reasons)
            )
        if region is None:
            qs = qs.filter(~limits(region_through))
        else:
            qs = qs.filter(~limits(region_through) | limits(region_through, region=region))
        return qs

    def with_region_flag(self):
        """Annotate `region_limited`: whether the item is limited to regions (it is one of a province's own)."""
        through = self.model.regions.through
        item_field = f"{self.model._meta.model_name}_id"
        return self.annotate(region_limited=Exists(through.objects.filter(**{item_field: OuterRef("pk")})))

    def with_reason_limits(self, reasons):
        """Annotate `limited_to_<pk>` for each reason, so a page can say "仅遗失时需要"."""
        through = self.model.situations.through
        item_field = f"{self.model._meta.model_name}_id"
        return self.annotate(
            **{
                f"limited_to_{reason.pk}": Exists(
                    through.objects.filter(**{item_field: OuterRef("pk")}, situation=reason)
                )
                for reason in reasons
            }
        )


class GuideItem(Content):
    """Fields and rules shared by every kind of guide item."""

    key = models.SlugField(
        "标识", max_length=80, unique=True, help_text="英文小写与连字符，用于导入导出和相互引用，不显示给公众。"
    )
    certificate_types = models.ManyToManyField(
        CertificateType,
        verbose_name="仅适用于证书类型",
        blank=True,
        related_name="%(class)s_items",
        help_text="留空表示适用于所有证书类型。",
    )
    situations = models.ManyToManyField(
        Situation,
        verbose_name="仅适用于情形",
        blank=True,
        related_name="%(class)s_items",
        help_text="留空表示适用于所有情形。原因（遗失/损毁）与特殊情形（异地/加急）须同时满足。",
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name="仅适用于地区",
        blank=True,
        related_name="%(class)s_items",
        help_text="留空表示全国通用；选了地区则只在这些地区的页面上显示。",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="替代",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        help_text="本条适用时，被替代的那一条不再显示。本条的适用范围必须不宽于被替代的条目。",
    )
    effective_from = models.DateField("生效日期", null=True, blank=True, help_text="留空表示一直有效。")
    effective_to = models.DateField(
        "失效日期", null=True, blank=True, help_text="这一天之后不再显示；留空表示长期有效。"
    )

    objects = KeyManager.from_queryset(GuideItemQuerySet)()

    class Meta(Content.Meta):
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="%(app_label)s_%(class)s_effective_range",
                violation_error_message="失效日期不能早于生效日期。",
            ),
            models.CheckConstraint(
                condition=~Q(replaces=F("pk")),
                name="%(app_label)s_%(class)s_not_self_replacing",
                violation_error_message="一条内容不能替代它自己。",
            ),
        ]

    def natural_key(self):
        return (self.key,)

    def clean(self):
        super().clean()
        if self.replaces_id and self.replaces_id == self.pk:
            raise ValidationError({"replaces": "一条内容不能替代它自己。"})
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "失效日期不能早于生效日期。"})


class Precondition(GuideItem):
    """A condition for reissue, and what to do instead when it does not hold."""

    class IfNot(models.TextChoices):
        INELIGIBLE = "ineligible", "不能补办"
        CHANGE = "change", "先办理信息变更"
        RENEW = "renew", "先办理续期"
        ELECTRONIC = "electronic", "直接下载电子证书"
        CONTACT = "contact", "联系发证机关"

    statement = models.CharField("条件", max_length=200, help_text="满足时的表述，例如：持证人身份信息未变更。")
    detail = models.TextField("补充说明", blank=True)
    question = models.CharField(
        "核对问题", max_length=200, help_text="自助核对中向用户提的是非题；回答“是”表示满足条件。"
    )
    if_not = models.CharField("不满足时", max_length=20, choices=IfNot.choices)
    if_not_advice = models.TextField("不满足时怎么办", help_text="告诉用户不满足这个条件时下一步做什么。")
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "补办条件"
        verbose_name_plural = "补办条件"

    def __str__(self):
        return self.statement


class Material(GuideItem):
    """Something the applicant must bring or submit (申请材料)."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", "必需"
        OPTIONAL = "optional", "可选"
        CONDITIONAL = "conditional", "视情况"

    name = models.CharField("材料名称", max_length=100)
    purpose = models.TextField("说明", blank=True, help_text="这份材料是做什么用的、有什么要求。")
    requirement = models.CharField("必要性", max_length=20, choices=Requirement.choices, default=Requirement.REQUIRED)
    condition = models.CharField(
        "何时需要", max_length=200, blank=True, help_text="可选或视情况时，写明什么情况下需要。"
    )
    form = models.CharField("材料形式", max_length=100, blank=True, help_text="例如：原件及复印件；电子版和纸质版。")
    copies = models.PositiveSmallIntegerField("份数", null=True, blank=True)
    obtain_from = models.CharField("来源渠道", max_length=200, blank=True, help_text="到哪里取得这份材料。")
    notes = models.TextField("填报须知", blank=True)
    template_url = models.URLField("空白表格/样表链接", blank=True)
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self):
        return self.name


class Step(GuideItem):
    """One numbered step of the procedure (办理流程)."""

    title = models.CharField("步骤名称", max_length=100)
    description = models.TextField("说明", blank=True)
    produces = models.CharField(
        "办理结果", max_length=200, blank=True, help_text="这一步完成后拿到什么，例如：受理回执单。"
    )
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "办理步骤"
        verbose_name_plural = "办理步骤"

    def __str__(self):
        return self.title


class StepChannel(models.Model):
    """A way to carry out a step: online, at a window, or by mail."""

    class Kind(models.TextChoices):
        ONLINE = "online", "网上办理"
        WINDOW = "window", "窗口办理"
        MAIL = "mail", "邮寄办理"
        PHONE = "phone", "电话办理"

    step = models.ForeignKey(Step, verbose_name="步骤", on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField("方式", max_length=20, choices=Kind.choices)
    label = models.CharField("名称", max_length=50, help_text="例如：线上渠道、线下窗口、现场递交。")
    description = models.TextField("怎么办")
    url = models.URLField("网办地址", blank=True)
    produces = models.CharField("得到什么", max_length=200, blank=True, help_text="例如：当场开具受理回执单。")
    order = models.PositiveIntegerField("排序", default=0)
    history = HistoricalRecords()

    objects = StepChannelManager()

    class Meta:
        verbose_name = "办理方式"
        verbose_name_plural = "办理方式"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["step", "kind", "label"], name="guides_stepchannel_unique_label"),
        ]

    def __str__(self):
        return f"{self.step}：{self.label}"

    def natural_key(self):
        return (*self.step.natural_key(), self.kind, self.label)

    natural_key.dependencies = ["guides.step"]


class ProcessingTime(GuideItem):
    """How long the authority takes, in working days (办结时限)."""

    label = models.CharField("名称", max_length=100, help_text="例如：审核周期。")
    min_days = models.PositiveSmallIntegerField("一般最短（工作日）")
    max_days = models.PositiveSmallIntegerField("一般最长（工作日）")
    complex_max_days = models.PositiveSmallIntegerField("复杂情况最长（工作日）", null=True, blank=True)
    urgent_max_days = models.PositiveSmallIntegerField("加急最长（工作日）", null=True, blank=True)
    statutory_limit = models.CharField("法定办结时限", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        constraints = [
            *GuideItem.Meta.constraints,
            models.CheckConstraint(
                condition=Q(min_days__gt=0) & Q(max_days__gte=F("min_days")),
                name="guides_processingtime_days_range",
                violation_error_message="工作日必须是正数，且最长不能少于最短。",
            ),
            models.CheckConstraint(
                condition=Q(complex_max_days__isnull=True) | Q(complex_max_days__gte=F("max_days")),
                name="guides_processingtime_complex_range",
                violation_error_message="复杂情况最长时限不能少于一般最长时限。",
            ),
            models.CheckConstraint(
                condition=Q(urgent_max_days__isnull=True) | Q(urgent_max_days__gt=0),
                name="guides_processingtime_urgent_positive",
                violation_error_message="加急时限必须是正数。",
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        if self.min_days is not None and self.min_days <= 0:
            raise ValidationError({"min_days": "最短时限必须至少为 1 个工作日。"})
        if self.min_days is not None and self.max_days is not None and self.max_days < self.min_days:
            raise ValidationError({"max_days": "一般最长时限不能少于一般最短时限。"})
        if self.complex_max_days is not None and self.max_days is not None and self.complex_max_days < self.max_days:
            raise ValidationError({"complex_max_days": "复杂情况最长时限不能少于一般最长时限。"})
        if self.urgent_max_days is not None:
            if self.urgent_max_days <= 0:
                raise ValidationError({"urgent_max_days": "加急时限必须至少为 1 个工作日。"})
            if self.max_days is not None and self.urgent_max_days > self.max_days:
                raise ValidationError({"urgent_max_days": "加急时限不能比一般最长时限还长。"})


class Fee(GuideItem):
    """A fee row (收费项目): a CNY range, or a basis such as 按实际重量计算."""

    name = models.CharField("收费项目", max_length=100)
    min_amount = models.DecimalField("最低金额（元）", max_digits=8, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField("最高金额（元）", max_digits=8, decimal_places=2, null=True, blank=True)
    basis = models.CharField(
        "计费方式", max_length=100, blank=True, help_text="没有固定金额时填写，例如：按实际重量计算、另计。"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    only_when_mailing = models.BooleanField("仅邮寄时产生", default=False, help_text="自取或现场领取时不收这一项。")
    counts_as_regular = models.BooleanField(
        "计入常规费用", default=False, help_text="加急手续费按常规费用的倍数计算时，计入这一项。"
    )
    regular_multiplier_max = models.DecimalField(
        "最高为常规费用的倍数",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="只用于按倍数计算的费用（如加急手续费：通常为常规费用的 2 倍以内，填 2）。",
    )
    legal_basis = models.CharField("收费依据", max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "费用"
        verbose_name_plural = "费用"
        constraints = [
            *GuideItem.Meta.constraints,
            models.CheckConstraint(
                condition=(Q(min_amount__isnull=True) | Q(min_amount__gte=0))
                & (Q(max_amount__isnull=True) | Q(max_amount__gte=0)),
                name="guides_fee_non_negative",
                violation_error_message="金额不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True) | Q(max_amount__isnull=True) | Q(max_amount__gte=F("min_amount")),
                name="guides_fee_min_le_max",
                violation_error_message="最低金额不能高于最高金额。",
            ),
            models.CheckConstraint(
                condition=Q(regular_multiplier_max__isnull=True) | Q(regular_multiplier_max__gt=0),
                name="guides_fee_multiplier_positive",
                violation_error_message="倍数必须是正数。",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.min_amount is not None and self.min_amount < 0:
            raise ValidationError({"min_amount": "金额不能为负数。"})
        if self.max_amount is not None and self.max_amount < 0:
            raise ValidationError({"max_amount": "金额不能为负数。"})
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            raise ValidationError({"max_amount": "最高金额不能低于最低金额。"})
        if self.min_amount is None and self.max_amount is None and not self.basis and not self.regular_multiplier_max:
            raise ValidationError({"basis": "没有金额时，请写明计费方式（例如：按实际重量计算）。"})

    @property
    def has_amount(self):
        return self.min_amount is not None or self.max_amount is not None


class Notice(GuideItem):
    """A warning, tip or note shown in the guide (⚠️ / 💡 / ℹ️)."""

    class Kind(models.TextChoices):
        WARNING = "warning", "注意"
        TIP = "tip", "省钱/省事技巧"
        INFO = "info", "说明"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "提示"
        verbose_name_plural = "提示"

    def __str__(self):
        return self.title


class FAQ(GuideItem):
    """A frequently asked question with its answer."""

    question = models.CharField("问题", max_length=200)
    answer = models.TextField("回答")
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "常见问题"
        verbose_name_plural = "常见问题"

    def __str__(self):
        return self.question


# Every kind of guide item, in the order a guide shows them.
GUIDE_ITEM_MODELS = [Precondition, Material, Step, ProcessingTime, Fee, Notice, FAQ]


class Holiday(models.Model):
    """A day the State Council schedule makes a holiday or a make-up workday (调休).

    Rows here take precedence over the `chinese-calendar` package, so editors can
    enter a year the package does not know yet, or correct a day.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "调休上班", default=False, help_text="勾选表示这天是周末调休的工作日；不勾选表示放假。"
    )
    name = models.CharField("名称", max_length=50, help_text="例如：元旦、国庆节调休。")
    source = models.ForeignKey(
        Source, verbose_name="来源", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = HolidayManager()

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}（{'上班' if self.is_workday else '放假'}）"

    def natural_key(self):
        return (self.date.isoformat(),)


# ── Search and feedback ────────────────────────────────────────────────────


class SynonymGroup(models.Model):
    """Words citizens use for the same thing (丢了 / 丢失 / 遗失), kept by editors for search."""

    key = models.SlugField("标识", max_length=60, unique=True, help_text="英文小写与连字符，用于导入导出。")
    terms = models.TextField(
        "同义词",
        help_text="每行一个词，或用“/”“、”分隔，例如：丢了/丢失/遗失。搜索其中任何一个词，都会同时查找其他词。",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True, help_text="取消勾选后搜索不再使用这一组。")
    history = HistoricalRecords()

    objects = KeyManager()

    class Meta:
        verbose_name = "搜索同义词"
        verbose_name_plural = "搜索同义词"
        ordering = ["key"]

    def __str__(self):
        return " / ".join(self.term_list())

    def natural_key(self):
        return (self.key,)

    def term_list(self):
        """Return the group's distinct terms, in the order written."""
        seen = []
        for term in re.split(r"[\n/／、,，;；|]+", self.terms):
            term = term.strip().lower()
            if term and term not in seen:
                seen.append(term)
        return seen

    def clean(self):
        super().clean()
        terms = self.term_list()
        if len(terms) < 2:
            raise ValidationError({"terms": "一组同义词至少要有两个不同的词。"})
        too_long = [t for t in terms if len(t) > 20]
        if too_long:
            raise ValidationError({"terms": f"每个词不超过 20 个字：{too_long[0]}"})


# Every table editors keep, declared once: cache invalidation and the 编辑 group's
# permissions read this list, and tests/test_registry.py holds the admin and export to
# it (feedback is written by readers, not editors, and is not in it).
CONTENT_MODELS = [
    Source,
    CertificateType,
    Situation,
    Region,
    Precondition,
    Material,
    Step,
    StepChannel,
    ProcessingTime,
    Fee,
    Notice,
    FAQ,
    Holiday,
    SynonymGroup,
]


class PageFeedback(models.Model):
    """The "这个页面有帮助吗？" answers for one page, counted."""

    url = models.CharField("页面地址", max_length=500, unique=True, help_text="站内地址，例如 /guides/…/lost/。")
    title = models.CharField("页面标题", max_length=200, blank=True)
    yes_count = models.PositiveIntegerField("有帮助", default=0)
    no_count = models.PositiveIntegerField("没有帮助", default=0)
    first_at = models.DateTimeField("首次反馈", auto_now_add=True)
    last_at = models.DateTimeField("最近反馈", auto_now=True)

    class Meta:
        verbose_name = "页面反馈"
        verbose_name_plural = "页面反馈"
        ordering = ["-last_at"]

    def __str__(self):
        return self.title or self.url

    def get_absolute_url(self):
        return self.url

    @property
    def total(self):
        return self.yes_count + self.no_count

    @property
    def no_share(self):
        """Return the share of "没有帮助" answers (0–1), or None before any answer."""
        return self.no_count / self.total if self.total else None


class ProblemReport(models.Model):
    """A citizen's "页面有误？" report, triaged by editors."""

    class Status(models.TextChoices):
        NEW = "new", "新"
        IN_PROGRESS = "in_progress", "处理中"
        HANDLED = "handled", "已处理"
        WONTFIX = "wontfix", "不处理"

    page = models.ForeignKey(PageFeedback, verbose_name="页面", on_delete=models.CASCADE, related_name="reports")
    message = models.TextField("问题描述", max_length=1000)
    contact = models.CharField("联系方式", max_length=100, blank=True, help_text="报告人自愿留下的，只用于回复本问题。")
    content_version = models.CharField(
        "内容版本", max_length=40, blank=True, help_text="报告时网站内容的版本号；与当前版本不同说明此后内容改过。"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NEW)
    editor_note = models.TextField("处理说明", blank=True, help_text="编辑内部备注：核实结果、改了什么。不对外显示。")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_by = models.ForeignKey(
        "auth.User", verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["contact"])

    class Meta:
        verbose_name = "问题报告"
        verbose_name_plural = "问题报告"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="guides_report_status_idx")]

    def __str__(self):
        return f"{self.page}：{self.message[:30]}"
