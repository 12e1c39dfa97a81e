"""`nqihub import KIND PATH [--json] [--user USERNAME] [--dry-run]`: stage, validate and commit a file at once."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from nqihub.core.context import command_context
from nqihub.imports import services
from nqihub.imports.columns import KINDS, spec_for
from nqihub.imports.readers import FileError, check_size


class Command(BaseCommand):
    help = (
        "导入企业、技术机构或专家(.xlsx 或 CSV):逐行校验,有效行在一个事务中提交,错误行连同行号、字段和原因列出 / "
        "Import enterprises, institutions or experts from xlsx or CSV; valid rows commit in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="enterprises | institutions | experts")
        parser.add_argument("path", help="文件路径(.xlsx 或 .csv)/ the file to import")
        parser.add_argument(
            "--json", action="store_true", help="以一个 JSON 对象输出结果 / print one JSON object"
        )
        parser.add_argument(
            "--user", dest="username", help="以该用户身份导入(默认:第一个平台管理员)/ act as user"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验,不写入 / validate only, write nothing"
        )

    def handle(self, *args, kind, path, username=None, dry_run=False, **options):
        as_json = options["json"]
        try:
            result, session = self._run(kind, Path(path), username, dry_run)
        except (FileError, services.CommitFailed, PermissionDenied, LookupError, OSError) as exc:
            message = _message(exc, path)
            if as_json:
                self.stdout.write(_dumps({"created": 0, "updated": 0, "errors": [], "error": message}))
            raise CommandError(message) from exc
        if as_json:
            self.stdout.write(_dumps(result))
        else:
            self._print(result, session, dry_run)

    def _run(self, kind, path: Path, username, dry_run):
        user = services.command_user(username)
        services.ensure_can_import(user, spec_for(kind))
        if not path.is_file():
            raise FileNotFoundError(path)
        check_size(path.stat().st_size)
        data = path.read_bytes()
        with command_context("import"):
            if dry_run:
                with transaction.atomic():
                    session = services.stage_upload(user, kind, path.name, data)
                    result = services.summary(session, planned=True)
                    transaction.set_rollback(True)
                result.update(session=None, dry_run=True)
                return result, session
            session = services.stage_upload(user, kind, path.name, data)
            session = services.commit_session(session, user)
            return services.summary(session), session

    def _print(self, result, session, dry_run):
        write = self.stdout.write
        write(
            f"文件 / file: {session.original_filename}({session.format_label}),数据行 / rows: {session.row_count}"
        )
        if result["unknown_columns"]:
            write(f"未识别的列(已忽略)/ unknown columns (ignored): {'、'.join(result['unknown_columns'])}")
        verb = "将" if dry_run else ""
        write(
            f"{verb}新增 / created: {result['created']},{verb}更新 / updated: {result['updated']},"
            f"无变化 / unchanged: {result['unchanged']},错误 / errors: {session.error_count} 行"
        )
        labels = services.column_labels(session)
        for error in result["errors"]:
            label = f" {labels.get(error['field'], error['field'])}" if error["field"] else ""
            write(f"  第 {error['row']} 行{label}:{error['message']}")
        if dry_run:
            write("试运行,未写入任何数据 / dry run: nothing was written")
        elif session.error_count:
            write(f"导入批次 #{session.pk}:可在网页 /imports/{session.pk}/ 修改错误行或下载错误报告")


def _message(exc: Exception, path: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"文件不存在 / no such file: {path}"
    if isinstance(exc, IsADirectoryError):
        return f"这是一个目录,不是文件 / is a directory: {path}"
    if isinstance(exc, OSError):
        return f"无法读取文件 / cannot read {path}: {exc.strerror or exc}"
    if isinstance(exc, LookupError):
        return str(exc.args[0]) if exc.args else str(exc)
    return str(exc)


def _dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)
