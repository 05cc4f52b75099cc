"""Counts read as counts and numbers follow the reader's language (issue 7, points 6–7): a unit
given as singular|plural ("1 case study", "3 case studies"), plurals through ngettext, and the
Celebrate and close pages writing scores as the language does ("0,7" in Indonesian)."""

import re

from django.utils import translation

from sasaran.limits import length_hint, length_message
from sasaran.okrs import actions
from sasaran.okrs.units import plural_form, unit_for
from sasaran.web.fragments import format_value
from tests.okrs.helpers import key_result, objective


class _Kr:
    kind, currency = "number", ""

    def __init__(self, unit):
        self.unit = unit


def test_a_unit_with_both_forms_takes_the_singular_for_one():
    assert unit_for("case study|case studies", 1) == "case study"
    assert unit_for("case study|case studies", -1.0) == "case study"
    assert unit_for("case study|case studies", 3) == "case studies"
    assert unit_for("case study|case studies", 0) == "case studies"
    assert unit_for("studi kasus", 1) == "studi kasus"  # written once: shown as written
    assert plural_form("lead|leads") == "leads"
    with translation.override("en"):
        assert format_value(1.0, _Kr("case study|case studies")) == "1 case study"
        assert format_value(2.5, _Kr("case study|case studies")) == "2.5 case studies"


def test_the_history_says_1_case_study(client, actor_of, owner, cycle, product):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product)
    kr = key_result(
        actor,
        obj,
        title="Publish case studies",
        unit="case study|case studies",
        start_value=0.0,
        target_value=3.0,
    )
    actions.create_checkin(actor, kr.pk, value=1.0, confidence=4)
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    history = html[html.index('id="history"') :]
    assert "0 case studies" in history and "1 case study" in history
    assert "1 case studies" not in html


def test_limits_are_said_with_plurals():
    with translation.override("en"):
        assert length_hint(1) == "max 1 character"
        assert length_message(1, 2) == "At most 1 character: this has 2."
        assert length_message(300, 5000) == "At most 300 characters: this has 5,000."
    with translation.override("id"):
        assert length_message(300, 5000) == ("Paling banyak 300 karakter: teks ini 5.000 karakter.")


def _visible_decimals(html: str) -> list[str]:
    """Decimal numbers in the page's text (not in attributes, scripts or styles)."""
    body = html[html.index("<main") :]
    text = re.sub(r"<[^>]*>", " ", body)
    return re.findall(r"\d[.,]\d", text)


def _graded(actor_of, admin, owner, cycle, product):
    actor = actor_of(owner)
    obj = objective(actor, cycle, product, title="Delight users", kind="aspirational")
    nps = key_result(actor, obj, title="NPS 20 to 50")
    actions.create_checkin(actor, nps.pk, value=44.0, confidence=4, wins="Big NPS jump")
    churn = key_result(
        actor, obj, title="Churn 5 to 3", direction="decrease", start_value=5.0, target_value=3.0
    )
    actions.create_checkin(actor, churn.pk, value=4.5, confidence=2)
    actions.close_cycle(actor_of(admin), cycle)


def test_celebrate_writes_every_number_as_the_language_does(
    client, actor_of, admin, owner, cycle, product
):
    _graded(actor_of, admin, owner, cycle, product)
    client.force_login(owner)
    html = client.get(f"/cycles/{cycle.pk}/celebrate/", HTTP_ACCEPT_LANGUAGE="id").content
    decimals = _visible_decimals(html.decode())
    assert "0,7" in decimals and "0,5" in decimals  # the rule and the average score (0.53)
    assert not [d for d in decimals if "." in d], decimals
    html = client.get(f"/cycles/{cycle.pk}/celebrate/", HTTP_ACCEPT_LANGUAGE="en").content
    assert not [d for d in _visible_decimals(html.decode()) if "," in d]


def test_the_close_page_labels_scores_in_the_language_and_posts_them_plainly(
    client, actor_of, admin, owner, cycle, product
):
    actor = actor_of(owner)
    key_result(actor, objective(actor, cycle, product), title="NPS 20 to 50")
    client.force_login(admin)
    html = client.get(f"/cycles/{cycle.pk}/close/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert re.search(r'<option value="0\.7" class="score-green"[^>]*>0,7</option>', html)
