from django.conf import settings
from django.core.management.base import BaseCommand

from guides.content.export import export_content


class Command(BaseCommand):
    help = "把当前内容写回 YAML 数据文件（reference、regions、guide、drafts，使用自然键），可再用 load_content 载入。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.FIXTURE_DIRS[0]),
            help="写到哪个目录（默认项目的 fixtures/，会覆盖同名文件）。",
        )

    def handle(self, *args, output, **options):
        for path, count in export_content(output).items():
            self.stdout.write(f"{path}：{count} 条")
