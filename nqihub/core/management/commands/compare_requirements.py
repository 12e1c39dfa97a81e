import json

from django.core.management.base import BaseCommand, CommandError

from nqihub.engines.requirements import compare_requirements, parse_requirement


class Command(BaseCommand):
    help = (
        "比较两项指标要求的严格程度:A 相对 B 更严 / 相同 / 更宽 / 不可比 / "
        "Compare requirement A with B: stricter | equal | looser | incomparable, with the reason."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("a", metavar="A")
        parser.add_argument("b", metavar="B")
        parser.add_argument("--json", action="store_true", help="JSON output")

    def handle(self, *args, a, b, **options):
        first, second = parse_requirement(a), parse_requirement(b)
        for label, requirement in (("A", first), ("B", second)):
            if not requirement.ok and not options["json"]:
                raise CommandError(f"{label} 无法解析 / cannot be parsed: {requirement.error}")
        comparison = compare_requirements(first, second)
        if options["json"]:
            self.stdout.write(json.dumps(comparison.to_dict(), ensure_ascii=False))
        else:
            self.stdout.write(f"{comparison.verdict}\t{comparison.reason}")
