from datetime import date

from django.core.management.base import BaseCommand, CommandError

from guides.content.checks import ERROR, audit_content, content_summary


class Command(BaseCommand):
    help = (
        "检查会误导公众的内容（替代永不生效、来源较低的内容替代来源较高的内容、已发布内容依据待核实的来源、"
        "指南缺材料或步骤、情形无专门内容、草稿被引用、久未审核）并列出各指南页的内容依据；有错误时以非零状态退出。"
        "加 --summary 只打印统计数字。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--on", type=date.fromisoformat, help="按这一天的生效内容检查（YYYY-MM-DD），默认今天。")
        parser.add_argument("--strict", action="store_true", help="有警告也以非零状态退出。")
        parser.add_argument("--items", action="store_true", help="在各指南页的统计下逐条列出内容，按来源可信程度分组。")
        parser.add_argument(
            "--summary",
            action="store_true",
            help="只打印统计：已发布内容按来源可信程度的条数、只有第三方资料作依据的条数、有本省官方内容的省份。",
        )

    def handle(self, *args, on=None, strict=False, summary=False, items=False, **options):
        if summary:
            self.print_summary()
            return
        audit = audit_content(on)
        problems = audit.findings
        for problem in problems:
            style = self.style.ERROR if problem.level == ERROR else self.style.WARNING
            self.stdout.write(style(str(problem)))
        self.stdout.write("各指南页的内容依据（全国，及有本省内容的省份）：")
        for guide, counts in audit.pages.items():
            self.stdout.write(f"  {guide}：" + "，".join(f"{level} {n} 条" for level, n in counts.most_common()))
            if items:
                for level, names in audit.page_items[guide].items():
                    self.stdout.write(f"    {level}：" + "；".join(names))
        errors = sum(p.level == ERROR for p in problems)
        warnings = len(problems) - errors
        summary_line = f"检查完毕：{errors} 个错误，{warnings} 个警告。"
        if errors or (strict and warnings):
            raise CommandError(summary_line)
        self.stdout.write(self.style.SUCCESS(summary_line))

    def print_summary(self):
        figures = content_summary()
        total = sum(figures["by_authority"].values())
        self.stdout.write(
            f"已发布的指南内容 {total} 条："
            + "，".join(f"{level} {n} 条" for level, n in figures["by_authority"].most_common())
        )
        self.stdout.write(f"只有第三方资料作依据（或没有来源）的已发布内容：{figures['third_party_only']} 条")
        regions = figures["official_regions"]
        self.stdout.write(
            f"有本省官方内容（官方原文或官方转载）的省份：{len(regions)} 个"
            + (f"（{'、'.join(regions)}）" if regions else "")
        )
        directory = figures["directory_by_authority"]
        self.stdout.write(
            f"已发布的证书目录条目 {sum(directory.values())} 个："
            + "，".join(f"{level} {n} 个" for level, n in directory.most_common())
        )
        self.stdout.write(f"只有第三方资料作依据的已发布证书目录条目：{figures['directory_third_party_only']} 个")
