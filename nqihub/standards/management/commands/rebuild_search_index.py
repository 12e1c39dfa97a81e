import json
import time

from django.core.management.base import BaseCommand

from nqihub.standards.search import rebuild_search_index


class Command(BaseCommand):
    help = (
        "重建公开检索索引(现行有效和废止的声明);可重复运行 / "
        "Rebuild the public search index of disclosed and abolished disclosures (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="每批处理的声明数 / disclosures per batch"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the result as JSON")

    def handle(self, *args, batch_size=1000, **options):
        as_json = options["json"]
        started = time.monotonic()

        def progress(done: int) -> None:
            if not as_json and options["verbosity"] >= 1:
                self.stdout.write(f"  已索引 / indexed {done}")

        indexed = rebuild_search_index(batch_size=max(1, batch_size), progress=progress)
        seconds = round(time.monotonic() - started, 1)
        if as_json:
            self.stdout.write(json.dumps({"indexed": indexed, "seconds": seconds}))
        else:
            self.stdout.write(
                f"检索索引已重建:{indexed} 条声明,用时 {seconds} 秒 / {indexed} indexed in {seconds}s"
            )
