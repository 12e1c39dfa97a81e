import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from nqihub.benchmarking import campaign, campaign_services
from nqihub.benchmarking.models import PilotBatch
from nqihub.core.context import command_context
from nqihub.imports.services import command_user


class Command(BaseCommand):
    help = (
        "按本平台数据生成试点城市排名快照(可放入每日定时任务;同一天再次运行替换当日快照)/ "
        "Take a ranking snapshot of a pilot batch's cities from this platform's data (daily task; re-running the "
        "same day replaces that day's snapshot). --json prints {snapshot, as_of, key, cities, rows}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, help="批次号(第N批;默认最新登记的非示例批次)/ batch number")
        parser.add_argument(
            "--key", default="", help="排名口径(默认 settings.BENCHMARK_RANKING_KEY)/ ranking key"
        )
        parser.add_argument("--date", default="", help="排名日期 YYYY-MM-DD(默认今天)/ as-of day")
        parser.add_argument("--user", default="", help="操作人账号(默认第一个平台管理员)/ acting account")
        parser.add_argument(
            "--demo", action="store_true", help="用示例批次 / use the demo batch of that number"
        )
        parser.add_argument("--json", action="store_true", help="JSON output")

    def handle(self, *args, **options):
        batches = PilotBatch.objects.filter(is_demo=options["demo"])
        if options["batch"] is not None:
            batches = batches.filter(number=options["batch"])
        batch = batches.order_by("-number", "-id").first()
        if batch is None:
            raise CommandError("没有这个试点城市批次 / no such pilot batch: 先在“试点城市批次”页面登记")
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(
                f"日期应为 YYYY-MM-DD / --date must be YYYY-MM-DD: {options['date']}"
            ) from None
        try:
            actor = command_user(options["user"] or None)
            with command_context("campaign-snapshot"):
                made = campaign_services.take_snapshot(actor, batch, options["key"] or None, day)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        except PermissionDenied as exc:
            raise CommandError(f"无权生成排名 / not allowed: {exc}") from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        rows = list(made.rows.order_by("rank", "region_code"))
        if options["json"]:
            payload = {
                "snapshot": made.pk,
                "as_of": made.as_of.isoformat(),
                "key": made.key,
                "batch": batch.number,
                "cities": len(rows),
                "rows": [
                    {
                        "rank": r.rank,
                        "region_code": r.region_code,
                        "region_name": r.region_name,
                        "value": float(r.value or 0),
                    }
                    for r in rows
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{made}({campaign.key_label(made.key)}):{len(rows)} 个城市")
        for r in rows[:20]:
            self.stdout.write(f"  {r.rank:>4}  {r.region_code} {r.region_name}  {r.value}")
