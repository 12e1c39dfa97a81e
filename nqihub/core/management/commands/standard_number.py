import json

from django.conf import settings
from django.core.management.base import BaseCommand

from nqihub.engines.stdnum import parse


class Command(BaseCommand):
    help = (
        "解析并规范标准编号 / Parse and normalise standard numbers. "
        "With --json: one JSON object per input, one per line (a stable contract for scripted checks)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("texts", nargs="+", metavar="TEXT")
        parser.add_argument("--json", action="store_true", help="JSON lines output")

    def handle(self, *args, texts, **options):
        patterns = getattr(settings, "ENTERPRISE_STANDARD_PATTERNS", None) or None
        for text in texts:
            result = parse(text, enterprise_patterns=patterns)
            if options["json"]:
                self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
            elif result.ok:
                self.stdout.write(f"{text}\t{result.normalized}\t{result.standard.family}")
            else:
                self.stdout.write(f"{text}\t无效 / invalid: {result.error}")
