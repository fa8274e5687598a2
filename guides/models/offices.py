"""Offices and online channels (办理地点): who takes a reissue application, where and how.

An office is a guide item: it is limited, like any item, to certificate types,
situations and regions, so a province page shows the province's own offices first and
a national page only the channels that serve the whole country. It is filled only from
sources: an office without one stays a draft.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from guides.models.items import GuideItem

# Digits, separators and the words telephone numbers are written with (转 for an extension).
PHONE_PATTERN = re.compile(r"^[0-9０-９+＋\-－—–\s()（）转,，、;；/]+$")


class Office(GuideItem):
    """An office, window or online channel that handles reissue applications."""

    class Online(models.TextChoices):
        FULL = "full", "可全程网上办理"
        APPLY_ONLINE = "apply-online", "可网上申请，领取或核验须到现场"
        IN_PERSON = "in-person", "只能到现场办理"

    name = models.CharField("名称", max_length=100, help_text="机关、窗口或网上渠道的名称，例如：广东省人事考试局。")
    handles = models.CharField(
        "办理什么",
        max_length=200,
        help_text="照来源写这里受理什么，例如：本省考试取得的专业技术人员职业资格证书的补发。",
    )
    address = models.CharField("地址", max_length=200, blank=True)
    hours = models.CharField("办公时间", max_length=200, blank=True, help_text="例如：工作日 9:00–12:00、13:30–17:00。")
    phone = models.CharField(
        "咨询电话", max_length=100, blank=True, help_text="例如：020-12345678；多个号码用“、”分开。"
    )
    website = models.URLField("网站", blank=True, help_text="网上办理或查询的地址。")
    app = models.CharField(
        "App / 小程序", max_length=100, blank=True, help_text="可以办理的手机渠道，例如：粤省事小程序、掌上12333。"
    )
    online = models.CharField(
        "能否网上办理", max_length=20, choices=Online.choices, blank=True, help_text="来源没有说明就留空。"
    )
    visits = models.PositiveSmallIntegerField(
        "最多跑几次", null=True, blank=True, help_text="办完最多要去现场几次；0 表示不用去。来源没有说明就留空。"
    )
    note = models.TextField("说明", blank=True)
    history = HistoricalRecords(m2m_fields=["certificate_types", "situations", "regions"])

    class Meta(GuideItem.Meta):
        verbose_name = "办理地点"
        verbose_name_plural = "办理地点"

    def __str__(self):
        return self.name

    def clean(self):
        # Every problem at once, each on its field, so an editor fixes the form in one go
        # (the shared ones first: dates, replacement, a source to publish).
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.phone and not PHONE_PATTERN.match(self.phone):
            errors["phone"] = "电话只能包含数字、“-”、括号、“转”和分隔号，例如：020-12345678 转 1。"
        if self.online == self.Online.FULL and self.visits:
            errors["visits"] = "可全程网上办理的，不用去现场：“最多跑几次”请填 0 或留空。"
        if self.online == self.Online.IN_PERSON:
            if not self.address.strip():
                errors["address"] = "只能到现场办理的，请填写地址。"
            if self.visits == 0:
                errors["visits"] = "只能到现场办理的，至少要去 1 次。"
        if self.online in (self.Online.FULL, self.Online.APPLY_ONLINE) and not (self.website or self.app.strip()):
            errors["website"] = "能网上办理的，请填写网站或 App / 小程序。"
        if not any(value.strip() for value in (self.address, self.phone, self.website, self.app)):
            errors.setdefault("address", "请至少填写一种找到它的方式：地址、咨询电话、网站或 App。")
        if errors:
            raise ValidationError(errors)
