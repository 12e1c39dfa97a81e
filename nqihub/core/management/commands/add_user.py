from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from nqihub.core.context import command_context
from nqihub.core.models import Role
from nqihub.core.services import create_account
from nqihub.registry.models import Enterprise, Expert, Institution


class Command(BaseCommand):
    help = "新建账号(记录审计事件) / Create an account (audited). Example: nqihub add-user wang --role regulator --region 450321"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="缺省时从标准输入读取 / read from stdin when omitted")
        parser.add_argument("--region", default="", help="监管人员的管辖区划代码")
        parser.add_argument("--enterprise-uscc", default="", help="企业用户所属企业的统一社会信用代码")
        parser.add_argument("--institution-id", type=int, help="技术机构用户所属机构编号")
        parser.add_argument("--expert-id", type=int, help="专家用户的专家档案编号")
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args, **o):
        import sys

        password = o["password"] or sys.stdin.readline().strip()
        links = {}
        try:
            if o["enterprise_uscc"]:
                links["enterprise"] = Enterprise.objects.get(uscc=o["enterprise_uscc"].upper())
            if o["institution_id"]:
                links["institution"] = Institution.objects.get(pk=o["institution_id"])
            if o["expert_id"]:
                links["expert"] = Expert.objects.get(pk=o["expert_id"])
        except (Enterprise.DoesNotExist, Institution.DoesNotExist, Expert.DoesNotExist) as exc:
            raise CommandError(f"找不到所属单位 / organisation not found: {exc}") from None
        try:
            with command_context("add-user"):
                user = create_account(
                    None,
                    username=o["username"],
                    password=password,
                    role=o["role"],
                    region_code=o["region"],
                    display_name=o["name"],
                    **links,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"已创建账号 {user.username}({user.get_role_display()})")
