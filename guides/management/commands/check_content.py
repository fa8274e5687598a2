from datetime import date

from django.core.management.base import BaseCommand, CommandError

from guides.content.checks import ERROR, authority_counts, check_content


class Command(BaseCommand):
    help = "检查会误导公众的内容（替代永不生效、指南缺材料或步骤、情形无专门内容、草稿被引用、久未审核）；有错误时以非零状态退出。"

    def add_arguments(self, parser):
        parser.add_argument("--on", type=date.fromisoformat, help="按这一天的生效内容检查（YYYY-MM-DD），默认今天。")
        parser.add_argument("--strict", action="store_true", help="有警告也以非零状态退出。")

    def handle(self, *args, on=None, strict=False, **options):
        problems = check_content(on)
        for problem in problems:
            style = self.style.ERROR if problem.level == ERROR else self.style.WARNING
            self.stdout.write(style(str(problem)))
        self.stdout.write("各指南页的内容依据（全国，及有本省内容的省份）：")
        for guide, counts in authority_counts(on).items():
            self.stdout.write(f"  {guide}：" + "，".join(f"{level} {n} 条" for level, n in counts.most_common()))
        errors = sum(p.level == ERROR for p in problems)
        warnings = len(problems) - errors
        summary = f"检查完毕：{errors} 个错误，{warnings} 个警告。"
        if errors or (strict and warnings):
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
