"""The minimal pages: sign in, and the active cycle's OKRs with progress and status."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaran.okrs import actions
from sasaran.okrs.models import Visibility
from tests.okrs.helpers import key_result, objective


def test_login_page_renders_and_signs_in(client, owner):
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post(
        "/login/", {"username": "owner@example.com", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_email_is_not_case_sensitive_and_a_wrong_password_is_explained(client, owner):
    wrong = client.post("/login/", {"username": "owner@example.com", "password": "Correct"})
    assert "do not match an account. The password is case-sensitive." in wrong.content.decode()
    response = client.post(
        "/login/", {"username": " Owner@Example.COM ", "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_wrong_password_shows_error_and_rate_limits(client, owner, settings):
    settings.RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        page = client.post(
            "/login/", {"username": "owner@example.com", "password": "nope"}, REMOTE_ADDR="10.9.9.9"
        )
        assert page.status_code == 200
    assert (
        client.post(
            "/login/", {"username": "owner@example.com", "password": "nope"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        == 429
    )


def test_home_requires_login(client):
    assert client.get("/").status_code == 302


def test_home_lists_active_cycle_okrs_with_progress_and_status(
    client, actor_of, owner, cycle, product
):
    obj = objective(actor_of(owner), cycle, product, title="Delight our customers")
    kr = key_result(actor_of(owner), obj)
    actions.create_checkin(actor_of(owner), kr.pk, value=35.0, confidence=4)
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "Delight our customers" in html
    assert "Raise NPS from 20 to 50" in html
    # The key result's own row shows its progress and its status (on track: 50% done where
    # a third of the cycle is expected), not merely some status somewhere on the page.
    kr.refresh_from_db()
    assert (kr.progress, kr.status) == (0.5, "on_track")
    row = re.search(
        r'<li class="tap-row"><span><a class="tap-target" href="[^"]*">Raise NPS from 20 to 50</a>'
        r"</span>(.*?)</li>",
        html,
        re.S,
    ).group(1)
    assert '<span class="status status-on_track"><span aria-hidden="true">●</span> On track' in row
    assert '<span class="pct">50%</span>' in row


def test_private_objective_is_not_shown_to_another_team(
    client, actor_of, owner, seller, cycle, product
):
    objective(
        actor_of(owner),
        cycle,
        product,
        title="Secret pricing change",
        visibility=Visibility.PRIVATE,
    )
    client.force_login(seller)
    assert "Secret pricing change" not in client.get("/").content.decode()
    client.force_login(owner)
    assert "Secret pricing change" in client.get("/").content.decode()


@pytest.mark.parametrize("extra", [0, 5])
def test_home_query_count_does_not_grow_with_rows(
    client, actor_of, owner, cycle, product, extra, no_kept_answers
):
    actor = actor_of(owner)
    for i in range(1 + extra):
        obj = objective(actor, cycle, product, title=f"Objective {i}")
        for _ in range(3):
            key_result(actor, obj)
    client.force_login(owner)
    client.get("/")  # the process now keeps this reader's actor
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    # session + user + change stamps + cycles + objectives + key results (+ savepoints)
    assert len(ctx.captured_queries) <= 9, [q["sql"] for q in ctx.captured_queries]


def test_security_headers_on_every_page(client):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_healthz_answers(client, db):
    assert client.get("/healthz").json() == {"ok": True}


@pytest.mark.parametrize("path", ["/login/", "/api/v1/docs"])
def test_pages_load_no_asset_from_another_host(client, db, path):
    """Offline by default: every script, style and image is served by Sasaran itself."""
    html = client.get(path).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "expected the page to load some assets"
    assert [a for a in assets if "//" in a] == []


def test_own_static_files_are_found(client, db):
    from django.contrib.staticfiles import finders

    assert finders.find("sasaran/app.css")
    assert finders.find("ninja/swagger-ui-bundle.js")


def test_home_orders_company_first_and_personal_last(
    client, actor_of, admin, owner, cycle, company, product
):
    objective(actor_of(owner), cycle, None, title="My own growth")
    objective(actor_of(owner), cycle, product, title="Product thing")
    objective(actor_of(admin), cycle, company, title="Company thing")
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert html.index("Company thing") < html.index("Product thing") < html.index("My own growth")


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("number", 107.6, "107.6"),
        ("number", 112.0, "112"),
        ("number", 2.756, "2.76"),
        ("currency", 1200000.0, "IDR 1,200,000"),
        ("boolean", 1.0, "done"),
    ],
)
def test_values_are_shown_in_their_unit(kind, value, shown):
    from types import SimpleNamespace

    from sasaran.web.templatetags.sasaran import value as fmt

    kr = SimpleNamespace(kind=kind, currency="IDR", unit="")
    assert fmt(value, kr) == shown


def test_an_unknown_address_gets_a_page_of_ours(client, owner):
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page at this address." in html and 'href="/profile/"' in html
    assert "<title>Not found · Sasaran</title>" in html
