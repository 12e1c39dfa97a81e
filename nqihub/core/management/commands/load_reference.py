import json as jsonlib

from django.core.management.base import BaseCommand

from nqihub.core.reference import load_reference_data


class Command(BaseCommand):
    help = "载入随附的参考数据(行政区划、行业分类、CCS、ICS);可重复运行 / Load the shipped reference data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="即使校验和未变也重新载入 / reload even if unchanged"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the result as JSON")

    def handle(self, *args, force=False, **options):
        as_json = options["json"]

        def progress(result):
            if not as_json:
                state = "未变化,跳过 / unchanged" if result.skipped else "已载入 / loaded"
                self.stdout.write(f"  {result.name:<16} {result.rows:>7} 行  {state}")

        results = load_reference_data(force=force, progress=progress)
        if as_json:
            payload = [{"dataset": r.name, "rows": r.rows, "skipped": r.skipped} for r in results]
            self.stdout.write(_dumps(payload))


def _dumps(payload) -> str:
    return jsonlib.dumps(payload, ensure_ascii=False)
