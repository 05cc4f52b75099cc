"""The HTML built in Python (web/fragments.py) escapes every text it is given: markup in a title,
a name, a unit or a choice comes out as text, never as markup."""

import datetime as dt
import inspect
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from sasaran.web import fragments

MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' onmouseover='alert(1)"]


def _assert_escaped(html: str, markup: str) -> None:
    # Angle brackets and both quotes are escaped: no text can open a tag or end the attribute
    # it is in.
    assert markup not in html
    assert "<script" not in html and "<img" not in html
    assert escape(markup) in html


def _user(name):
    return SimpleNamespace(display_name=name)


def _kr(markup, **overrides):
    team = SimpleNamespace(name=markup)
    objective = SimpleNamespace(pk=3, title=markup, team_id=1, team=team)
    kr = SimpleNamespace(
        pk=7,
        objective_id=3,
        objective=objective,
        title=markup,
        kind="number",
        unit=markup,
        currency=markup,
        current_value=35.0,
        target_value=100.0,
        attainment=1.5,
        is_stale=True,
        status_override="at_risk",
        confidence=4,
        owner_id=1,
        owner=_user(markup),
        last_checkin_at=timezone.now() - dt.timedelta(days=2),
        can_check_in=True,
        progress=0.35,
        expected=0.5,
        status="on_track",
    )
    for key, value in overrides.items():
        setattr(kr, key, value)
    return kr


@pytest.fixture(params=["en", "id"])
def language(request):
    with translation.override(request.param):
        yield request.param


@pytest.mark.parametrize("markup", MARKUP)
@pytest.mark.parametrize("kind", ["number", "currency", "percentage", "boolean", "milestones"])
@pytest.mark.parametrize("show_objective", [False, True])
def test_a_key_result_row_escapes_title_unit_owner_objective_and_team(
    markup, kind, show_objective, language
):
    html = fragments.kr_row(_kr(markup, kind=kind), show_objective)
    _assert_escaped(html, markup)
    assert html.count(escape(markup)) >= 2  # the title, twice
    if show_objective:
        assert f'<a href="{reverse("objective", args=[3])}">' in html


@pytest.mark.parametrize("markup", MARKUP)
def test_an_objective_card_escapes_its_title_owner_and_rows(markup, language):
    objective = SimpleNamespace(
        pk=3,
        title=markup,
        kind="aspirational",
        visibility="private",
        owner_id=1,
        owner=_user(markup),
        status="at_risk",
        progress=0.4,
        krs=[_kr(markup), _kr(markup, last_checkin_at=None, can_check_in=False)],
    )
    html = fragments.objective_card(objective, 0.5)
    _assert_escaped(html, markup)
    # In the caption ("Key results of <title>"), the heading, the owner and both rows.
    assert html.count(escape(markup)) >= 7


@pytest.mark.parametrize("markup", MARKUP)
def test_options_escape_values_and_labels(markup):
    html = fragments.options([(markup, markup), ("2", "Two")], markup)
    _assert_escaped(html, markup)
    assert html.count(" selected") == 1


@pytest.mark.parametrize("markup", MARKUP)
def test_a_status_badge_escapes_a_status_it_does_not_know(markup, language):
    _assert_escaped(fragments.status_badge(markup), markup)


def test_bars_badges_and_heads_are_safe_html(language):
    for html in (
        fragments.progress_bar(0.4, 0.5),
        fragments.progress_bar(None, None),
        fragments.status_badge("off_track"),
        fragments.status_badge(None),
        fragments.kr_head(),
    ):
        assert hasattr(html, "__html__")  # marked safe by format_html, not by hand


def test_fragments_build_html_only_with_format_html():
    source = inspect.getsource(fragments)
    assert "mark_safe" not in source
    assert "from html import" not in source and "escape(" not in source
    # No HTML put together by f-strings, % or concatenation of data.
    assert not re.search(r"""\bf["']\s*<""", source)


def test_row_links_are_the_named_urls():
    assert fragments.url_of("objective", 12) == reverse("objective", args=[12])
    assert fragments.url_of("kr_checkin", 12) == reverse("kr_checkin", args=[12])


def test_options_built_once_are_the_same_and_unhashable_choices_still_work():
    choices = [(1, "Product"), (2, "<Sales>")]
    assert fragments.options(choices, 2) == fragments.options(list(choices), "2")
    assert fragments.options(choices, 2).count(" selected") == 1
    listed = fragments.options([[1, "Product"], [2, "<Sales>"]], 1)
    assert listed == fragments.options(choices, 1)
    assert "&lt;Sales&gt;" in listed
