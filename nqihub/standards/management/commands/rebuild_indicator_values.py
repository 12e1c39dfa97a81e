import json
import time

from django.core.management.base import BaseCommand

from nqihub.standards.indicator_values import rebuild_indicator_values


class Command(BaseCommand):
    help = (
        "重建排名读取的指标数值表(现行有效声明的技术指标);可重复运行 / "
        "Rebuild the indicator values rankings read (indicators of the disclosures in force); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=2000, help="每批处理的声明数 / disclosures per batch"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the result as JSON")

    def handle(self, *args, batch_size=2000, **options):
        started = time.monotonic()
        rows = rebuild_indicator_values(batch_size=max(1, batch_size))
        seconds = round(time.monotonic() - started, 1)
        if options["json"]:
            self.stdout.write(json.dumps({"rows": rows, "seconds": seconds}))
        else:
            self.stdout.write(f"指标数值已重建:{rows} 行,用时 {seconds} 秒 / {rows} rows in {seconds}s")
