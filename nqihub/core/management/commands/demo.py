from django.core.management.base import BaseCommand
from django.db import transaction

from nqihub.core.context import command_context
from nqihub.core.reference import load_reference_data
from nqihub.demo.registry import DEMO_PASSWORD, build_accounts, build_registry


class Command(BaseCommand):
    help = "生成示例城市(真实区划代码,生成的企业、机构、专家和各角色账号,均标注“示例”);可重复运行 / Build the demo city."

    def add_arguments(self, parser):
        parser.add_argument("--city", default="450300", help="示例城市的区划代码(默认 450300 桂林市)")
        parser.add_argument("--county", default="450321", help="县级监管账号的区划代码(默认 450321 阳朔县)")
        parser.add_argument("--enterprises", type=int, default=120, help="生成的企业数量")

    def handle(self, *args, city, county, enterprises, **options):
        load_reference_data()
        from nqihub.benchmarking.demo import build_benchmarking, build_campaign
        from nqihub.demo.review import build_reviews, review_counts
        from nqihub.demo.standards import build_disclosures, demo_counts
        from nqihub.forerunner.demo import build_forerunner

        with command_context("demo"), transaction.atomic():
            counts = build_registry(city, enterprises=enterprises)
            accounts = build_accounts(city, county)
            disclosures = build_disclosures()
            reviews = build_reviews(city, county)
            build_forerunner(city, self.stdout.write)
            build_benchmarking()
            build_campaign(city)
        self.stdout.write(f"示例城市 {city}:新建 " + ",".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write(
            "示例标准声明:新建 "
            + ",".join(f"{k} {v}" for k, v in disclosures.items())
            + ";现有 "
            + ",".join(f"{k} {v}" for k, v in demo_counts().items())
        )
        self.stdout.write(
            "示例审查结果:新建 "
            + ",".join(f"{k} {v}" for k, v in reviews.items())
            + ";监管审查结论 "
            + ",".join(f"{k} {v}" for k, v in review_counts().items())
        )
        self.stdout.write(f"示例账号(密码均为 {DEMO_PASSWORD},仅供演示,生产环境请勿运行 nqihub demo):")
        for username, label in accounts.items():
            self.stdout.write(f"  {username:<18} {label}")
