"""The fixed query mix of the search benchmark: what the public types, by kind.

Most queries are written out; enterprise names, USCCs and own-standard numbers are taken from the loaded data
at fixed places (by enterprise rank in the long tail, by disclosure id), so the mix is the same for a given N
and seed.
"""

from django.db import connection

FIXED: list[tuple[str, dict]] = [
    *[("1 字", {"q": q}) for q in ("铅", "镉", "茶", "水", "杯", "泵", "砖")],
    *[("2 字", {"q": q}) for q in ("陶瓷", "饮料", "水泥", "酱油", "塑料", "保温", "轴承")],
    *[
        ("4 字", {"q": q})
        for q in ("铅溶出量", "菌落总数", "日用陶瓷", "电热水壶", "拉伸强度", "茉莉花茶", "耐洗刷性")
    ],
    *[
        ("标准号", {"q": q})
        for q in (
            "GB 4806.4-2016",
            "gb/t3532-2022",
            "ＧＢ　４７０６．１－２００５",
            "GB/T 14456.1",
            "GB/T 19001—2016",
            "GB 5009.12",
        )
    ],
    *[("繁体", {"q": q}) for q in ("鉛", "陶瓷餐具", "飲用水", "電熱水壺", "茶葉", "標準")],
    ("筛选", {"q": "陶瓷", "region": "44"}),
    ("筛选", {"q": "铅", "industry": "C"}),
    ("筛选", {"q": "茶", "region": "4503"}),
    ("筛选", {"q": "水", "family": "enterprise", "status": "all"}),
    ("筛选", {"q": "菌落总数", "region": "33", "family": "national"}),
    ("翻页", {"q": "陶瓷", "page": 3}),
    ("翻页", {"q": "铅", "page": 10}),
]


def _one(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() or ()


def sampled() -> list[tuple[str, dict]]:
    """Names, USCCs and numbers from the loaded data (same rows for the same N and seed)."""
    out: list[tuple[str, dict]] = []
    (enterprises,) = _one("SELECT count(*) FROM registry_enterprise", [])
    for rank in (1, 100, max(1, enterprises // 10), enterprises):
        name, uscc = _one("SELECT name, uscc FROM registry_enterprise WHERE id = %s", [rank])
        bare = name.removesuffix("(示例)")
        out.append(("企业名称", {"q": bare}))
        # the brand and trade words, as people remember a company: drop the place and the company form
        for suffix in ("股份有限公司", "有限责任公司", "科技有限公司", "实业有限公司", "有限公司", "厂"):
            if bare.endswith(suffix):
                bare = bare.removesuffix(suffix)
                break
        out.append(("企业名称", {"q": bare[-4:]}))
        if rank in (1, enterprises):
            out.append(("USCC", {"q": uscc}))
    (disclosures,) = _one("SELECT max(id) FROM standards_disclosure", [])
    for prefix in ("Q/", "Q/", "T/"):
        row = _one(
            "SELECT standard_number FROM standards_disclosure WHERE id >= %s AND state = 'disclosed' "
            "AND standard_number LIKE %s ORDER BY id LIMIT 1",
            [disclosures // (3 if prefix == "T/" else len(out) + 2), prefix + "%"],
        )
        if row:
            out.append(("标准号", {"q": row[0]}))
    return out


def query_mix() -> list[tuple[str, dict]]:
    return FIXED + sampled()
