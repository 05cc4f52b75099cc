"""The pages need nothing the Content-Security-Policy forbids: no inline script, no event handler
attribute, no style attribute or element, every script from our own static files."""

import re

import pytest

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective

FORBIDDEN = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.fixture
def okrs(actor_of, admin, owner, cycle, company, product):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    team = objective(actor_of(owner), cycle, product, title="Onboarding", parent_id=top.pk)
    kr = key_result(actor_of(owner), team, title="Activation")
    actions.create_checkin(actor_of(owner), kr.pk, value=30.0, confidence=4)
    return top, team, kr


def test_pages_carry_no_inline_script_handler_or_style(client, okrs, admin, cycle):
    top, team, kr = okrs
    pages = [
        "/",
        "/okrs/",
        "/okrs/?view=list",
        "/okrs/attention/",
        "/alignment/",
        f"/objectives/{team.pk}/",
        f"/objectives/{team.pk}/edit/",
        f"/key-results/{kr.pk}/check-in/",
        f"/key-results/{kr.pk}/edit/",
        f"/objectives/{team.pk}/key-results/new/",
        "/objectives/new/",
        "/objectives/templates/",
        "/cycles/",
        f"/cycles/{cycle.pk}/close/",
        "/settings/",
        "/settings/teams/",
        "/settings/tokens/",
        "/settings/workspace/",
        "/settings/members/invite/",
        "/profile/",
    ]
    client.force_login(admin)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "default-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        for pattern, what in FORBIDDEN:
            found = pattern.search(html)
            assert found is None, f"{url}: {what}: {html[found.start() - 80 : found.end() + 80]}"
    client.logout()
    for url in ("/login/", "/password-reset/"):
        html = client.get(url).content.decode()
        for pattern, what in FORBIDDEN:
            assert pattern.search(html) is None, f"{url}: {what}"
