"""`nqihub forerunner-expire`: store the end of every forerunner list's validity (run daily, e.g. from cron)."""

import json

from django.core.management.base import BaseCommand

from nqihub.core.context import command_context
from nqihub.forerunner.services import expire_lists


class Command(BaseCommand):
    help = (
        "将有效期已届满的领跑者名单标记为过期,名单中的标准改为“已过有效期”;可重复运行,每日运行一次即可 / "
        "Mark forerunner lists past their validity as expired and their listed entries as expired; idempotent, "
        "meant for a daily cron job. Audited as forerunnerlist.expire."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the result as JSON")

    def handle(self, *args, **options):
        with command_context("forerunner-expire"):
            done = expire_lists(None)
        if options["json"]:
            self.stdout.write(json.dumps({"lists": done.lists, "entries": done.entries}))
            return
        self.stdout.write(
            f"到期名单 {len(done.lists)} 份,已过有效期的标准 {len(done.entries)} 项 / "
            f"{len(done.lists)} list(s) expired, {len(done.entries)} entr(y/ies) expired"
        )
