"""Tell the editor whether a saved change is live on every host, once that is known.

A change is live once its transaction has committed and the content version has
reached the shared cache (guides/caching/version.py). Both happen inside the admin
view, after `save_model`: so each view that saves says it after it has run — "已在网站上生效"
only when the version landed, a warning when it did not (it is retried, and
/healthz shows it pending).
"""

from django.contrib import messages

from guides.caching import version as content_version

NOT_LIVE_YET = (
    "已保存，但暂时无法通知网站的共享缓存：其他服务器可能仍显示修改前的内容。"
    "系统会自动重试；如几分钟后页面仍未更新，请再保存一次，或联系技术人员检查 Redis。"
)


class LiveNoticeMixin:
    """For a ModelAdmin: after a POST, warn when a content change has not reached the shared cache.

    A `save_model` may set `request.saved_note` (live now, from a later date, or a
    draft: guides/admin/editing.py `saved_note`) to have it said when the change did land.
    """

    def changeform_view(self, request, *args, **kwargs):
        return self._report_live(request, super().changeform_view(request, *args, **kwargs))

    def changelist_view(self, request, *args, **kwargs):
        return self._report_live(request, super().changelist_view(request, *args, **kwargs))

    def delete_view(self, request, *args, **kwargs):
        return self._report_live(request, super().delete_view(request, *args, **kwargs))

    def history_form_view(self, request, *args, **kwargs):
        return self._report_live(request, super().history_form_view(request, *args, **kwargs))

    def _report_live(self, request, response):
        if request.method != "POST":
            return response
        note = getattr(request, "saved_note", None)
        if content_version.bump_pending():
            self.message_user(request, NOT_LIVE_YET, messages.WARNING)
        elif note:
            self.message_user(request, note, messages.INFO)
        return response
