"""Starter OKRs per department: the example OKRs of seed/clickup-saas-okr-guide.id.txt.

The texts are English msgids marked for translation; the Indonesian catalogue holds the seed's
own wording, so a page shows them in the reader's language (translated when read, by
`localized`). Values follow the demo workspace's reading of the examples: a start value is the
example's baseline, shown as a sample, never taken as today's value without asking.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEPARTMENTS = [
    ("product", _("Product")),
    ("engineering", _("Engineering")),
    ("marketing", _("Marketing")),
    ("sales", _("Sales")),
    ("customer-success", _("Customer Success")),
]


def _kr(title, kind="number", direction="increase", start=0.0, target=1.0, unit="", milestones=()):
    return {
        "title": title,
        "description": "",
        "kind": kind,
        "direction": direction,
        "start_value": float(start),
        "target_value": float(target),
        "unit": unit,
        "currency": "",
        "weight": 1.0,
        "milestones": list(milestones),
    }


def _ms(title, weight):
    return {"title": title, "weight": float(weight)}


TEMPLATES: list[dict[str, Any]] = [
    {
        "key": "product-experience",
        "department": "product",
        "title": _("Improve the user experience over the next three months"),
        "key_results": [
            _kr(
                _("Reach an average satisfaction score of nine or more in user surveys"),
                start=8.1,
                target=9,
                unit="/10",
            ),
            _kr(
                # xgettext:no-python-format
                _("Reduce the average support response time by 10%, from 4.0 to 3.6 hours"),
                direction="decrease",
                start=4,
                target=3.6,
                unit=pgettext_lazy("unit", "h"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Increase customer retention by 20% through product updates, from 50% to 60%"),
                kind="percentage",
                start=50,
                target=60,
            ),
        ],
    },
    {
        "key": "product-launch",
        "department": "product",
        "title": _("Launch this quarter's new product release successfully"),
        "key_results": [
            _kr(
                _("Talk to 30 customers to understand their needs and feedback"),
                target=30,
                unit=pgettext_lazy("unit", "customer|customers"),
            ),
            _kr(
                _("Get the launch ready with Marketing and Sales"),
                kind="milestones",
                milestones=[
                    _ms(_("Watch ten user videos and share the key points with the team"), 1),
                    _ms(_("Run two training sessions for Marketing and Sales"), 2),
                    _ms(_("Review 15 customer requirement documents from product marketing"), 1),
                ],
            ),
        ],
    },
    {
        "key": "engineering-quality",
        "department": "engineering",
        "title": _("Improve the quality of product releases"),
        "key_results": [
            _kr(
                _("Reduce the average number of new bug reports from 72 to 60 a month"),
                direction="decrease",
                start=72,
                target=60,
                unit=pgettext_lazy("unit", "bugs/month"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Raise the failure-free release rate from 96% to 99%"),
                kind="percentage",
                start=96,
                target=99,
            ),
            _kr(
                # xgettext:no-python-format
                _("Increase test coverage from 35% to 50% to catch more issues before launch"),
                kind="percentage",
                start=35,
                target=50,
            ),
        ],
    },
    {
        "key": "engineering-speed",
        "department": "engineering",
        "title": _("Speed up the development team"),
        "key_results": [
            _kr(
                _("Increase sprint velocity from 42 to 60 points"),
                start=42,
                target=60,
                unit=pgettext_lazy("unit", "point|points"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Cut average code review time by 30%, from 20 to 14 hours"),
                direction="decrease",
                start=20,
                target=14,
                unit=pgettext_lazy("unit", "h"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Make sure unfinished designs block no more than 2% of planned features"),
                kind="percentage",
                direction="stay_at_or_below",
                start=2,
                target=2,
            ),
        ],
    },
    {
        "key": "marketing-alignment",
        "department": "marketing",
        "title": _("Improve marketing-sales alignment on lead quality criteria"),
        "key_results": [
            _kr(
                # xgettext:no-python-format
                _("Reduce the share of unqualified leads passed to sales from 40% to 25%"),
                kind="percentage",
                direction="decrease",
                start=40,
                target=25,
            ),
            _kr(
                # xgettext:no-python-format
                _("Raise the MQL-to-SQL conversion rate from 12% to 20%"),
                kind="percentage",
                start=12,
                target=20,
            ),
            _kr(
                _("Launch a targeted content campaign for late-funnel buying decisions"),
                kind="boolean",
            ),
        ],
    },
    {
        "key": "marketing-brand",
        "department": "marketing",
        "title": _("Strengthen brand visibility and organic growth"),
        "key_results": [
            _kr(
                # xgettext:no-python-format
                _(
                    "Grow organic website traffic 30% quarter on quarter, from 84,000 to "
                    "109,200 visits a month"
                ),
                start=84000,
                target=109200,
                unit=pgettext_lazy("unit", "visits/month"),
            ),
            _kr(
                _("Publish three high-intent case studies of customer success stories"),
                target=3,
                unit=pgettext_lazy("unit", "case study|case studies"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Raise the email campaign open rate from 25% to 35%"),
                kind="percentage",
                start=25,
                target=35,
            ),
        ],
    },
    {
        "key": "sales-efficiency",
        "department": "sales",
        "title": _("Improve sales efficiency and close more high-quality deals"),
        "key_results": [
            _kr(
                # xgettext:no-python-format
                _("Increase the win rate from 18% to 25%"),
                kind="percentage",
                start=18,
                target=25,
            ),
            _kr(
                _("Reduce the average deal cycle from 42 to 30 days"),
                direction="decrease",
                start=42,
                target=30,
                unit=pgettext_lazy("unit", "day|days"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Run a win-loss analysis on 100% of closed opportunities"),
                kind="percentage",
                target=100,
            ),
        ],
    },
    {
        "key": "sales-outbound",
        "department": "sales",
        "title": _("Build a repeatable, scalable outbound sales engine"),
        "key_results": [
            _kr(
                _("Launch outbound sequences targeting our three main buyer personas"),
                kind="boolean",
            ),
            _kr(
                _("Generate 50 new qualified leads from outbound channels"),
                target=50,
                unit=pgettext_lazy("unit", "lead|leads"),
            ),
            _kr(
                # xgettext:no-python-format
                _("Achieve a 10% response rate across all outbound campaigns"),
                kind="percentage",
                start=4,
                target=10,
            ),
        ],
    },
    {
        "key": "cs-satisfaction",
        "department": "customer-success",
        "title": _("Increase customer satisfaction and loyalty"),
        "key_results": [
            _kr(
                # xgettext:no-python-format
                _("Raise customer satisfaction (CSAT) to 90% or more"),
                kind="percentage",
                start=86,
                target=90,
            ),
            _kr(
                # xgettext:no-python-format
                _("Reduce customer complaints by 15% compared with last quarter, from 280 to 240"),
                direction="decrease",
                start=280,
                target=240,
                unit=pgettext_lazy("unit", "complaint|complaints"),
            ),
            _kr(
                _("Raise our Net Promoter Score to 65 or higher"),
                start=52,
                target=65,
            ),
            _kr(
                # xgettext:no-python-format
                _("Respond faster: cut the average response time by 25%, from 4.0 to 3.0 hours"),
                direction="decrease",
                start=4,
                target=3,
                unit=pgettext_lazy("unit", "h"),
            ),
        ],
    },
    {
        "key": "cs-retention",
        "department": "customer-success",
        "title": _("Retain more customers and reduce churn"),
        "key_results": [
            _kr(
                # xgettext:no-python-format
                _(
                    "Increase the retention rate of our high-value customers by 10%, from "
                    "80% to 88%"
                ),
                kind="percentage",
                start=80,
                target=88,
            ),
            _kr(
                # xgettext:no-python-format
                _("Reduce the churn rate by 15%, from 2.0% to 1.7% a month"),
                kind="percentage",
                direction="decrease",
                start=2,
                target=1.7,
            ),
            _kr(
                # xgettext:no-python-format
                _("Hold quarterly business reviews with at least 80% of our key accounts"),
                kind="percentage",
                target=80,
            ),
            _kr(
                _(
                    # xgettext:no-python-format
                    "Launch a referral programme that brings 30% of new business from happy "
                    "customers"
                ),
                kind="percentage",
                start=8,
                target=30,
            ),
        ],
    },
]

_BY_KEY = {t["key"]: t for t in TEMPLATES}


def localized(template: dict) -> dict[str, Any]:
    """The template with its texts in the active language (str() of each lazy text)."""
    return {
        "key": template["key"],
        "department": template["department"],
        "title": str(template["title"]),
        "description": "",
        "kind": "committed",
        "key_results": [
            {
                **kr,
                "title": str(kr["title"]),
                "unit": str(kr["unit"]),
                "milestones": [
                    {"title": str(m["title"]), "weight": m["weight"]} for m in kr["milestones"]
                ],
            }
            for kr in template["key_results"]
        ],
    }


def get(key: str) -> dict[str, Any] | None:
    template = _BY_KEY.get(key)
    return None if template is None else localized(template)


def by_department() -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (str(label), [localized(t) for t in TEMPLATES if t["department"] == key])
        for key, label in DEPARTMENTS
    ]
