"""The holiday calendar editors keep on top of the chinese-calendar package."""

from django.db import models
from simple_history.models import HistoricalRecords

from guides.models.base import HolidayManager, Source


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
