import json

from django.core.management.base import BaseCommand

from nqihub.engines.requirements import parse_requirement, render_requirement


class Command(BaseCommand):
    help = (
        "解析指标要求 / Parse indicator requirements (≤0.5 mg/kg, 6～9, (20±2)℃, 不得检出, n=5,c=2,m=10,M=100 CFU/g …). "
        "With --json: one JSON object per input, one per line."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("texts", nargs="+", metavar="TEXT")
        parser.add_argument("--json", action="store_true", help="JSON lines output")
        parser.add_argument(
            "--default-kind", choices=["max", "min"], help="把无比较符的数值视为上限或下限(限值列)"
        )

    def handle(self, *args, texts, **options):
        for text in texts:
            requirement = parse_requirement(text, default_kind=options["default_kind"])
            if options["json"]:
                self.stdout.write(json.dumps(requirement.to_dict(), ensure_ascii=False))
            elif requirement.ok:
                self.stdout.write(f"{text}\t{requirement.kind}\t{render_requirement(requirement)}")
            else:
                self.stdout.write(f"{text}\t无效 / invalid: {requirement.error}")
