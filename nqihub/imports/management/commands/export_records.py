"""`nqihub export KIND PATH [--filter QUERY] [--user USERNAME] [--json]`: xlsx or CSV by the suffix of PATH."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from nqihub.core.context import command_context
from nqihub.core.scoping import Action, reach
from nqihub.imports import services
from nqihub.imports.columns import KINDS, spec_for

FORMATS = {".xlsx": "xlsx", ".csv": "csv"}


class Command(BaseCommand):
    help = (
        "导出企业、技术机构或专家,列与导入相同(按文件后缀写 .xlsx 或 .csv)/ "
        "Export enterprises, institutions or experts in the columns the importer reads (.xlsx or .csv by suffix)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="enterprises | institutions | experts")
        parser.add_argument("path", help="输出文件(.xlsx 或 .csv)/ output file")
        parser.add_argument(
            "--filter", default="", help="列表页的筛选条件,如 region=450300&scale=large / list filters"
        )
        parser.add_argument(
            "--user", dest="username", help="以该用户身份导出(默认:第一个平台管理员)/ act as user"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果 / print the result as JSON")

    def handle(self, *args, kind, path, username=None, **options):
        target = Path(path)
        fmt = FORMATS.get(target.suffix.lower())
        if fmt is None:
            raise CommandError(f"文件名应以 .xlsx 或 .csv 结尾 / PATH must end in .xlsx or .csv: {path}")
        spec = spec_for(kind)
        try:
            user = services.command_user(username)
        except LookupError as exc:
            raise CommandError(str(exc.args[0])) from exc
        if reach(user, spec.model, Action.VIEW) is None:
            raise CommandError(f"用户 {user.username} 无权查看{spec.verbose_name} / user may not view {kind}")
        with command_context("export"):
            content, count = services.export_rows(spec, user, fmt, QueryDict(options["filter"]))
        try:
            target.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入文件 / cannot write {path}: {exc.strerror or exc}") from exc
        if options["json"]:
            self.stdout.write(
                json.dumps({"rows": count, "path": str(target), "format": fmt}, ensure_ascii=False)
            )
        else:
            self.stdout.write(f"已导出 {count} 条{spec.verbose_name}到 {target} / exported {count} rows")
