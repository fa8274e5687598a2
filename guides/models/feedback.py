"""What readers tell us: helpful-or-not counts and problem reports."""

from django.db import models
from simple_history.models import HistoricalRecords


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
