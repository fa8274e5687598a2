"""Guide items (precondition, material, step, processing time, fee, notice, FAQ).

Every item shares one applicability rule (guides.content.selectors.applies): it may be limited to
some certificate types, situations and regions (empty means all), and may replace
another item of its kind. `guides.content.selectors.assemble_guide` turns these rows
into the guide for one request."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from guides.models.base import Content, KeyManager, StepChannelManager
from guides.models.querysets import GuideItemQuerySet
from guides.models.reference import CertificateType, Region, Situation


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
    is_advice = models.BooleanField(
        "只是建议",
        default=False,
        help_text="勾选：这一条是来源资料的建议，不是补办的条件。页面上列为“建议”；自助核对中回答“否”时不会停下，"
        "而是照常给出办理指南，并在结果里显示“不满足时怎么办”的内容。发证机关的规定不要勾选。",
    )
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        # The public page's heading: one vocabulary for editors and readers.
        verbose_name = "能否补办"
        verbose_name_plural = "能否补办"

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
        # A fixture row whose step is not in the database (an editor deleted or renamed it)
        # is still built, so that `load_content` can name it instead of failing.
        step_key = self.step.natural_key() if self.step_id else (None,)
        return (*step_key, self.kind, self.label)

    natural_key.dependencies = ["guides.step"]


class ProcessingTime(GuideItem):
    """How long the authority takes (办结时限): working days, and the complex case in the source's own unit."""

    class DayUnit(models.TextChoices):
        WORKDAY = "workday", "工作日"
        CALENDAR = "calendar", "自然日"

    label = models.CharField("名称", max_length=100, help_text="例如：审核周期。")
    min_days = models.PositiveSmallIntegerField("一般最短（工作日）")
    max_days = models.PositiveSmallIntegerField("一般最长（工作日）")
    complex_max_days = models.PositiveSmallIntegerField(
        "复杂情况最长", null=True, blank=True, help_text="天数；按工作日还是自然日计，见“复杂情况时限的单位”。"
    )
    complex_unit = models.CharField(
        "复杂情况时限的单位",
        max_length=10,
        choices=DayUnit.choices,
        default=DayUnit.WORKDAY,
        help_text="照来源原文选：写“30个工作日”的选工作日；只写“30天”的选自然日（日历天数，周末和节假日也算）。"
        "页面和自助核对的预计日期都按这里的单位显示和计算。",
    )
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

    @property
    def complex_duration(self):
        """Return the complex-case maximum in its own unit, as every page writes it: "30 天（自然日）", "30 个工作日"."""
        if self.complex_max_days is None:
            return ""
        if self.complex_unit == self.DayUnit.CALENDAR:
            return f"{self.complex_max_days} 天（自然日）"
        return f"{self.complex_max_days} 个工作日"

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
        # 先看这里: what can make a reissue unnecessary (an electronic certificate to download
        # instead) — shown before everything else on the guide page and the checker's outcome.
        FIRST = "first", "先看这里"
        WARNING = "warning", "注意"
        TIP = "tip", "省钱/省事技巧"
        INFO = "info", "说明"

    kind = models.CharField(
        "类型",
        max_length=20,
        choices=Kind.choices,
        default=Kind.INFO,
        help_text="“先看这里”：能让读者不必补办的做法（例如直接下载电子证书），显示在页面最前面；"
        "只用于有官方原文或官方转载作依据的内容。",
    )
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "注意事项"
        verbose_name_plural = "注意事项"

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
