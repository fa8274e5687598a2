"""Search synonyms editors keep."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from guides.models.base import KeyManager


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
