import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nqihub.review.intake import IntakeError
from nqihub.review.services import review_document


class Command(BaseCommand):
    help = (
        "审查一份企业标准(DOCX 或 PDF),对照本库的标准目录和限量指标表 / Review a DOCX or PDF standard "
        "against this database's catalogue and limit tables. --json prints {outcome, findings, references, "
        "indicators}."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="JSON output")
        parser.add_argument("--region", default="", help="企业所在行政区划代码(用于编号规则检查)")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        try:
            reading, data, result = review_document(
                file.read_bytes(), file.name, region_code=options["region"]
            )
        except IntakeError as exc:
            if options["json"]:
                self.stdout.write(
                    json.dumps({"outcome": None, "error": exc.message, "code": exc.code}, ensure_ascii=False)
                )
                raise CommandError(exc.message, returncode=2) from None
            raise CommandError(exc.message) from None
        if options["json"]:
            payload = {
                "outcome": result.outcome_zh,
                "outcome_code": result.outcome,
                "disposition": result.disposition,
                "number": data.number,
                "findings": [f.to_dict() for f in result.findings],
                "references": [r.to_dict() for r in reading.references],
                "indicators": [row.to_dict() for row in reading.indicators],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, default=str))
            return
        self.stdout.write(f"{data.number} {data.title}:{result.outcome_zh}")
        for f in result.findings:
            self.stdout.write(f"  [{f.check} {f.dimension}] {f.message}  {f.location}")
