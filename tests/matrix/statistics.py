"""Permission-matrix rows of the disclosure statistics: regulators (own jurisdiction) and the platform admin."""

from dataclasses import dataclass

from django.urls import reverse

from nqihub.testing import COUNTY, OTHER_COUNTY

from .kinds import Endpoint, denied, login

READERS = {"regulator", "admin"}


@dataclass(frozen=True)
class StatisticsEndpoint(Endpoint):
    api: bool = False

    def check(self, client, world, role, name):
        login(client, world, role)
        inside = client.get(reverse(name), {"region": COUNTY})
        outside = client.get(reverse(name), {"region": OTHER_COUNTY})
        if role not in READERS:
            if self.api:
                assert inside.status_code == 403
            else:
                assert denied(inside, role), inside.status_code
            return
        assert inside.status_code == 200
        if role == "regulator":
            assert outside.status_code == 403 if self.api else "只能查看本辖区" in outside.content.decode()
        else:
            assert outside.status_code == 200


ROWS = {
    "stats:disclosures": StatisticsEndpoint(),
    "stats:disclosures-api": StatisticsEndpoint(api=True),
}
