"""Tests of the public REST API (/api/v1). Helpers shared by the modules live here: a JSON call
and a small organisation of OKRs built through the actions (fast, and independent of the API)."""

import json
from dataclasses import dataclass

from django.test import Client

from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, KeyResult, Objective

API = "/api/v1"


def call(client: Client, method: str, path: str, body=None, **query):
    """One API request; `body` goes out as JSON (a str is sent as it is), `query` as the query."""
    url = API + path
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if body is None:
        return client.generic(method.upper(), url)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.generic(method.upper(), url, data=data, content_type="application/json")


@dataclass
class Org:
    """Company -> Product -> (private) objectives, one Sales objective, a KR on each, and
    a check-in on the visible Product KR and on the private one."""

    company_obj: Objective
    product_obj: Objective
    private_obj: Objective
    sales_obj: Objective
    product_kr: KeyResult
    private_kr: KeyResult
    sales_kr: KeyResult
    product_checkin: CheckIn
    private_checkin: CheckIn


def build_org(actor_of, *, admin, owner, seller, company, product, sales, cycle) -> Org:
    a, o, s = actor_of(admin), actor_of(owner), actor_of(seller)
    company_obj = actions.create_objective(
        a, title="Win the market", cycle_id=cycle.pk, team_id=company.pk
    )
    product_obj = actions.create_objective(
        o, title="Ship the app", cycle_id=cycle.pk, team_id=product.pk, parent_id=company_obj.pk
    )
    private_obj = actions.create_objective(
        o,
        title="Secret acquisition",
        cycle_id=cycle.pk,
        team_id=product.pk,
        parent_id=product_obj.pk,
        visibility="private",
    )
    sales_obj = actions.create_objective(
        s, title="Sell more", cycle_id=cycle.pk, team_id=sales.pk, parent_id=company_obj.pk
    )
    product_kr = actions.create_key_result(
        o, product_obj, title="Weekly users", start_value=0, target_value=100, unit="users"
    )
    private_kr = actions.create_key_result(
        o, private_obj, title="Term sheets", start_value=0, target_value=4
    )
    sales_kr = actions.create_key_result(
        s, sales_obj, title="Deals", start_value=0, target_value=10
    )
    product_checkin = actions.create_checkin(o, product_kr.pk, value=20, confidence=4)
    private_checkin = actions.create_checkin(
        o, private_kr.pk, value=1, confidence=3, progress_note="talking to Initech"
    )
    return Org(
        company_obj,
        product_obj,
        private_obj,
        sales_obj,
        product_kr,
        private_kr,
        sales_kr,
        product_checkin,
        private_checkin,
    )
