"""The certificate directory in admin: names people use, who reissues each, and the source."""

from django.contrib import admin

from guides.admin.common import ReviewAgeFilter, SlugGuardForm
from guides.admin.content import ContentAdmin
from guides.admin.editing import AuthorityFilter, AutoSlugForm, authority
from guides.models import DirectoryEntry


class DirectoryEntryForm(AutoSlugForm, SlugGuardForm):
    """The 网址标识 is filled from the row's kind when left blank; a published entry's cannot change."""

    def clean_slug(self):
        if not self.cleaned_data.get("slug"):
            return self._clean_key()
        return SlugGuardForm.clean_slug(self)


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(ContentAdmin):
    form = DirectoryEntryForm
    list_display = [
        "name",
        "kind",
        "department",
        "certificate_type",
        "e_certificate",
        "is_published",
        "source_authority",
        "reviewed_on",
    ]
    list_filter = [
        "kind",
        "department",
        "certificate_type",
        "e_certificate",
        "is_published",
        AuthorityFilter,
        ReviewAgeFilter,
    ]
    filter_horizontal = ["more_sources", "alternatives"]
    search_fields = ["name", "aliases", "implemented_by", "reissued_by", "slug"]
    list_select_related = ["certificate_type", "source"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "aliases", "kind", "catalogue_no", "department", "certificate_type"]}),
        ("电子证书", {"fields": ["e_certificate", "e_certificate_note"]}),
        (
            "谁补办、怎么办",
            {
                "fields": ["implemented_by", "reissued_by", "how", "see_also", "alternatives"],
                "description": "本站不涉及的证件（“本站证书类型”留空），页面只显示这里写的去处，务必有来源。",
            },
        ),
        (
            "发布与审核",
            {
                "fields": ["is_published", "reviewed_on", "source", "more_sources", "order", "slug", "updated_at"],
                "description": "新建的条目是草稿；发布前须选来源。",
            },
        ),
    ]
    source_authority = staticmethod(authority)
