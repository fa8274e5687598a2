from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "补办指南内容"

    def ready(self):
        from . import signals

        signals.connect()
