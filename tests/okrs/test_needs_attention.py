"""The needs-attention view (/okrs/attention/): which key results it lists and in what order
(the gap to the expected progress), its filters (team with sub-teams, owner), visibility, the
summary of the key results in view, CSV exports of it and of the explorer's views, and query
counts. The ordering arithmetic (okrs.attention) is tested by its properties first."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sasaran import csvfile
from sasaran.okrs import actions, attention
from sasaran.okrs.attention import Reason
from sasaran.okrs.models import KeyResult, Visibility
from tests.okrs.helpers import key_result, objective

# -- the arithmetic -----------------------------------------------------------------------------

ratios = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
confidences = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
statuses = st.sampled_from([None, "on_track", "at_risk", "off_track", "done"])


def test_gap_is_expected_minus_progress_in_the_rounded_points_the_row_shows():
    assert attention.gap_points(0.35, 0.5) == 15
    assert attention.gap_points(0.355, 0.5) == 14  # the row says 36% of 50%
    assert attention.gap_points(0.8, 0.5) == -30  # ahead
    assert attention.gap_points(None, 0.5) is None  # nothing to count is not "100 behind"


@given(ratios, st.floats(min_value=0, max_value=1))
def test_gap_stays_within_a_hundred_points_and_is_unknown_only_for_unknown_progress(p, e):
    gap = attention.gap_points(p, e)
    if p is None:
        assert gap is None
    else:
        assert -100 <= gap <= 100
        assert gap == attention.points(e) - attention.points(p)


def test_the_rules_example_orders_as_documented():
    # docs/rules.md §5.8: expected 50%.
    krs = {
        "A": (0.10, 4, False),
        "B": (0.30, 1, False),
        "C": (0.30, 4, False),
        "D": (0.70, 2, False),
        "E": (0.55, 4, True),
    }
    keys = {
        name: attention.order_key(attention.gap_points(p, 0.5), c, stale, pk)
        for pk, (name, (p, c, stale)) in enumerate(sorted(krs.items(), reverse=True))
    }
    assert sorted(keys, key=keys.get) == ["A", "B", "C", "D", "E"]


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(-100, 100)), confidences, st.booleans()),
        min_size=2,
        max_size=30,
    )
)
def test_order_puts_the_largest_gap_first_then_low_confidence_then_stale(rows):
    keyed = sorted(
        (attention.order_key(gap, conf, stale, pk), gap, conf, stale)
        for pk, (gap, conf, stale) in enumerate(rows)
    )
    behind = [max(gap or 0, 0) for _k, gap, _c, _s in keyed]
    assert behind == sorted(behind, reverse=True)
    for (_k1, g1, c1, s1), (_k2, g2, c2, s2) in zip(keyed, keyed[1:], strict=False):
        if max(g1 or 0, 0) == max(g2 or 0, 0):
            rank1, rank2 = (c1 or 6), (c2 or 6)
            assert rank1 <= rank2
            if rank1 == rank2:
                assert s1 or not s2  # stale before fresh


@given(statuses, confidences, st.booleans())
def test_reasons_name_every_cause_and_a_done_key_result_never_needs_attention(status, c, stale):
    found = attention.reasons(status, c, stale)
    if status == "done":
        assert found == []
        return
    assert (Reason.OFF_TRACK in found) == (status == "off_track")
    assert (Reason.AT_RISK in found) == (status == "at_risk")
    assert (Reason.LOW_CONFIDENCE in found) == (c is not None and c <= attention.LOW_CONFIDENCE)
    assert (Reason.STALE in found) == stale


@given(st.text())
def test_csv_cells_never_start_like_a_formula(text):
    cell = csvfile.cell(text)
    assert not cell.startswith(csvfile.FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


def test_csv_cells_keep_numbers_as_numbers_and_dates_iso():
    assert csvfile.cell(-5) == -5 and csvfile.cell(1234.5) == 1234.5
    assert csvfile.cell(True) == "true" and csvfile.cell(None) == ""
    assert csvfile.cell(dt.date(2026, 12, 1)) == "2026-12-01"
    assert csvfile.cell("-5% churn") == "'-5% churn"


# -- the page -----------------------------------------------------------------------------------


def _checkin(actor, kr, value, confidence, **notes):
    return actions.create_checkin(actor, kr.pk, value=value, confidence=confidence, **notes)


@pytest.fixture
def okrs(actor_of, admin, owner, teammate, seller, cycle, product, growth, sales):
    """The cycle is a third through (expected ~33%). Product: behind (5%), slightly behind
    (20%), ahead but unsure (50%, confidence 2), on pace (40%). Growth (beneath Product): 10%,
    confidence 3. Sales: nothing done, and a private objective of Sales."""
    o, t, s = actor_of(owner), actor_of(teammate), actor_of(seller)
    onboarding = objective(o, cycle, product, title="Make onboarding effortless")

    def kr(actor, obj, title, value, confidence, by=None, **fields):
        made = key_result(actor, obj, title=title, start_value=0, target_value=100, **fields)
        _checkin(by or actor, made, value, confidence)
        return made

    behind = kr(o, onboarding, "Activation to 100", 5, 4)
    slightly = kr(o, onboarding, "Invites to 100", 20, 4)
    unsure = kr(o, onboarding, "Tours to 100", 50, 2)
    on_pace = kr(o, onboarding, "Docs to 100", 40, 4, owner_id=teammate.pk)
    a = actor_of(admin)
    grow = objective(a, cycle, growth, title="Grow self-serve", owner_id=teammate.pk)
    growth_kr = kr(a, grow, "Trials to 100", 10, 3, by=t, owner_id=teammate.pk)
    sell = objective(s, cycle, sales, title="Land logos")
    sales_kr = kr(s, sell, "Deals to 100", 0, 4)
    secret = objective(
        s, cycle, sales, title="Quiet pricing experiment", visibility=Visibility.PRIVATE
    )
    secret_kr = kr(s, secret, "Secret price test", 0, 1)
    return {
        "behind": behind,
        "slightly": slightly,
        "unsure": unsure,
        "on_pace": on_pace,
        "growth": growth_kr,
        "sales": sales_kr,
        "secret": secret_kr,
    }


def page(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/okrs/attention/{query}")
    assert response.status_code == 200
    return response.content.decode()


def listed(html):
    """The key result titles of the table, in the order shown."""
    table = html[html.index('<table class="krs attention">') :] if "krs attention" in html else ""
    return re.findall(r'<a class="kr-link" href="[^"]+">([^<]+)</a>', table)


def export(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_attention_requires_sign_in(client, db):
    assert client.get("/okrs/attention/").status_code == 302


def test_it_lists_key_results_by_gap_largest_first(client, okrs, admin):
    assert listed(page(client, admin)) == [
        "Secret price test",  # the admin sees the private objective: ~33 behind, confidence 1
        "Deals to 100",  # as far behind, confidence 4
        "Activation to 100",  # ~28
        "Trials to 100",  # ~23
        "Invites to 100",  # ~13
        "Tours to 100",  # ahead, but confidence 2
    ]


def test_a_tie_on_gap_goes_to_the_lower_confidence(client, okrs, admin, sales):
    # Both Sales key results are at 0%: the same gap; confidence 1 before confidence 4.
    assert listed(page(client, admin, f"?team={sales.pk}")) == [
        "Secret price test",
        "Deals to 100",
    ]


def test_rows_show_owner_gap_status_confidence_blocker_and_link_to_the_kr(
    client, okrs, owner, actor_of
):
    kr = okrs["behind"]
    _checkin(actor_of(owner), kr, 6, 4, blockers="Waiting on <script>legal</script>")
    html = page(client, owner)
    row = html[html.index(f'data-kr="{kr.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="/objectives/{kr.objective_id}/#kr-{kr.pk}"' in row
    assert "Make onboarding effortless" in row and "Product" in row
    assert "Olga Owner" in row
    assert "points behind" in row and "expected" in row
    assert "Off track" in row
    assert "4/5" in row
    assert '<q class="quoted-blocker">Waiting on &lt;script&gt;legal&lt;/script&gt;</q>' in row
    assert "<time datetime=" in row


def test_the_latest_blocker_is_the_newest_check_ins_even_when_empty(client, okrs, owner, actor_of):
    o = actor_of(owner)
    kr = okrs["behind"]
    now = timezone.now()
    _checkin(o, kr, 6, 4, blockers="An old problem")
    # Back-dated: history only, not the newest.
    _checkin(o, kr, 5, 4, blockers="An older problem", checked_in_at=now - dt.timedelta(days=3))
    assert "An old problem" in page(client, owner)
    _checkin(o, kr, 7, 4)  # the newest says nothing is blocking
    html = page(client, owner)
    assert "An old problem" not in html and "An older problem" not in html


def test_team_filter_includes_sub_teams(client, okrs, admin, product):
    order = listed(page(client, admin, f"?team={product.pk}"))
    assert "Trials to 100" in order  # Growth sits beneath Product
    assert "Deals to 100" not in order and "Secret price test" not in order
    assert order == ["Activation to 100", "Trials to 100", "Invites to 100", "Tours to 100"]


def test_owner_filter_keeps_the_owners_key_results(client, okrs, admin, teammate):
    assert listed(page(client, admin, f"?owner={teammate.pk}")) == ["Trials to 100"]


def test_nonsense_filters_are_ignored_and_the_page_still_opens(client, okrs, admin):
    assert listed(page(client, admin, "?team=abc&owner=-&cycle=zz&page=x")) == listed(
        page(client, admin)
    )


def test_a_private_objectives_key_result_never_shows(client, okrs, owner):
    html = page(client, owner)
    assert "Secret price test" not in html and "Quiet pricing experiment" not in html
    rows = export(client, owner, "/okrs/attention/?format=csv")
    assert "Secret price test" not in {r["key_result"] for r in rows}
    # Nor is it counted: 6 visible KRs in the cycle for the owner.
    assert "Average progress of 6 key results" in html


def test_a_stale_key_result_is_listed_after_those_behind(client, okrs, owner):
    kr = okrs["on_pace"]
    now = timezone.now()
    KeyResult.objects.filter(pk=kr.pk).update(
        created_at=now - dt.timedelta(days=29), last_checkin_at=now - dt.timedelta(days=20)
    )
    order = listed(page(client, owner))
    assert order[-2:] == ["Tours to 100", "Docs to 100"]  # confidence 2, then the stale one


def test_done_and_on_pace_key_results_are_not_listed(client, okrs, owner, actor_of):
    _checkin(actor_of(owner), okrs["slightly"], 100, 5)
    order = listed(page(client, owner))
    assert "Invites to 100" not in order and "Docs to 100" not in order


def test_summary_counts_statuses_average_progress_and_who_has_not_checked_in(
    client, okrs, admin, product, teammate
):
    stale_at = timezone.now() - dt.timedelta(days=10)
    KeyResult.objects.filter(pk=okrs["on_pace"].pk).update(last_checkin_at=stale_at)
    html = page(client, admin, f"?team={product.pk}")
    summary = html[html.index('class="card team-summary"') :]
    summary = summary[: summary.index("</section>")]
    assert "Product and its sub-teams" in summary
    assert "Average progress of 5 key results" in summary
    # (5 + 20 + 50 + 40 + 10) / 5 = 25
    assert ">25%<" in summary
    counts = dict(
        (label, int(n))
        for label, n in re.findall(
            r"</span> (On track|At risk|Off track|Done)</span> <span class=\"n\">(\d+)</span>",
            summary,
        )
    )
    assert counts == {"On track": 1, "At risk": 1, "Off track": 3, "Done": 0}
    lagging = summary[summary.index("Not checked in") :]
    assert "Tomi Teammate" in lagging and "Olga Owner" not in lagging
    assert f"owner={teammate.pk}" in lagging


def test_nobody_owes_a_check_in_in_a_closed_cycle(client, okrs, admin, cycle):
    cycle.state = "closed"
    cycle.save()
    html = page(client, admin)
    assert "Nobody is due a check-in" in html


def test_explorer_and_home_link_to_the_view(client, okrs, owner, cycle):
    client.force_login(owner)
    assert f'href="/okrs/attention/?cycle={cycle.pk}"' in client.get("/okrs/").content.decode()
    assert f'href="/okrs/attention/?cycle={cycle.pk}"' in client.get("/").content.decode()


def test_page_offers_export_print_and_copy_link(client, okrs, owner, product):
    html = page(client, owner, f"?team={product.pk}")
    cycle_id = okrs["behind"].objective.cycle_id
    assert f'href="?team={product.pk}&amp;cycle={cycle_id}&amp;format=csv"' in html
    assert "data-copy-link" in html and "data-print" in html
    assert "sasaran/share.js" in html


# -- CSV ----------------------------------------------------------------------------------------


def test_attention_csv_keeps_the_order_filters_and_columns(client, okrs, admin, product):
    rows = export(client, admin, f"/okrs/attention/?team={product.pk}&format=csv")
    assert [r["key_result"] for r in rows] == [
        "Activation to 100",
        "Trials to 100",
        "Invites to 100",
        "Tours to 100",
    ]
    first = rows[0]
    assert first["team"] == "Product" and first["owner"] == "Olga Owner"
    assert first["progress_percent"] == "5" and first["status"] == "off_track"
    assert int(first["gap_points"]) == int(first["expected_percent"]) - 5
    assert first["link"].endswith(
        f"/objectives/{okrs['behind'].objective_id}/#kr-{okrs['behind'].pk}"
    )
    assert "off_track" in first["reasons"]
    assert rows[-1]["reasons"] == "off_track low_confidence"


def test_csv_defuses_formulas_in_titles_and_blockers(client, okrs, owner, actor_of, cycle, product):
    o = actor_of(owner)
    obj = objective(o, cycle, product, title='=HYPERLINK("http://evil")')
    kr = key_result(o, obj, title="+SUM(A1:A9)", start_value=0, target_value=100)
    _checkin(o, kr, 0, 1, blockers="@cmd|' /C calc'!A0")
    rows = export(client, owner, "/okrs/attention/?format=csv")
    row = next(r for r in rows if r["key_result_id"] == str(kr.pk))
    assert row["key_result"] == "'+SUM(A1:A9)"
    assert row["objective"] == '\'=HYPERLINK("http://evil")'
    assert row["latest_blocker"] == "'@cmd|' /C calc'!A0"
    listed_rows = export(client, owner, "/okrs/?view=list&format=csv")
    assert "'+SUM(A1:A9)" in {r["key_result"] for r in listed_rows}
    tree_rows = export(client, owner, "/okrs/?format=csv")
    assert '\'=HYPERLINK("http://evil")' in {r["objective"] for r in tree_rows}


def test_explorer_list_csv_has_every_matching_row_with_the_filters(
    client, okrs, owner, product, actor_of
):
    rows = export(client, owner, f"/okrs/?view=list&team={product.pk}&format=csv")
    assert {r["key_result"] for r in rows} == {
        "Activation to 100",
        "Invites to 100",
        "Tours to 100",
        "Docs to 100",
        "Trials to 100",
    }
    assert list(rows[0]) == [
        "key_result_id",
        "key_result",
        "objective_id",
        "objective",
        "team",
        "owner",
        "kind",
        "current_value",
        "target_value",
        "unit",
        "progress_percent",
        "expected_percent",
        "status",
        "confidence",
        "stale",
        "last_checkin_at",
        "due_date",
    ]
    searched = export(client, owner, "/okrs/?view=list&q=Tours&format=csv")
    assert [r["key_result"] for r in searched] == ["Tours to 100"]
    assert searched[0]["current_value"] == "50.0" and searched[0]["confidence"] == "2"


def test_csv_numbers_are_not_localised(client, okrs, owner, actor_of):
    _checkin(actor_of(owner), okrs["behind"], 1234.5, 4, confirm_out_of_range=True)
    owner.language = "id"
    owner.save()
    rows = export(client, owner, "/okrs/?view=list&q=Activation&format=csv")
    assert rows[0]["current_value"] == "1234.5"
    # The page itself speaks Indonesian.
    assert "Perlu perhatian" in page(client, owner)


def test_explorer_tree_csv_is_one_row_per_objective_in_tree_order(client, okrs, admin):
    rows = export(client, admin, "/okrs/?format=csv&status=off_track")
    assert [r["objective"] for r in rows] == [
        "Make onboarding effortless",
        "Grow self-serve",
        "Land logos",
        "Quiet pricing experiment",
    ]
    assert rows[0]["team"] == "Company › Product"
    assert rows[0]["key_results"] == "2"  # "Activation", and "Tours" (confidence 2)


def test_alignment_csv_walks_the_map(client, okrs, admin, actor_of, cycle, company):
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    onboarding = okrs["behind"].objective
    actions.update_objective(actor_of(admin), onboarding, parent_id=top.pk)
    rows = export(client, admin, f"/alignment/?cycle={cycle.pk}&format=csv")
    assert [(r["objective"], r["level"], r["aligned_to"]) for r in rows[:2]] == [
        ("Win the SME market", "0", ""),
        ("Make onboarding effortless", "1", "Win the SME market"),
    ]
    assert rows[1]["aligned_to_id"] == str(top.pk)
    # Team and personal objectives aligned to nothing follow, at the top level.
    assert {r["objective"] for r in rows[2:]} == {
        "Grow self-serve",
        "Land logos",
        "Quiet pricing experiment",
    }


def test_csv_of_another_workspace_shows_nothing_of_this_one(client, okrs, outsider):
    client.force_login(outsider)
    response = client.get("/okrs/attention/?format=csv")
    assert response.status_code == 200
    assert "Activation" not in response.content.decode()


# -- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?format=csv", "?team={team}&owner={owner}"])
def test_query_count_does_not_grow_with_key_results(
    client, actor_of, owner, cycle, product, query, no_kept_answers
):
    actor = actor_of(owner)
    url = "/okrs/attention/" + query.format(team=product.pk, owner=owner.pk)

    def count():
        client.force_login(owner)
        client.get(url)  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    obj = objective(actor, cycle, product, title="Objective 0")
    kr = key_result(actor, obj, start_value=0, target_value=100)
    _checkin(actor, kr, 1, 2, blockers="stuck")
    small = count()
    for i in range(1, 5):
        obj = objective(actor, cycle, product, title=f"Objective {i}")
        for _ in range(3):
            kr = key_result(actor, obj, start_value=0, target_value=100)
            _checkin(actor, kr, 1, 2, blockers=f"stuck {i}")
            _checkin(actor, kr, 2, 1, blockers=f"still stuck {i}")
    assert count() == small
    assert small <= 16


@pytest.mark.parametrize("query", ["?format=csv", "?view=list&format=csv"])
def test_explorer_csv_query_count_does_not_grow_with_rows(
    client, actor_of, owner, cycle, product, query, no_kept_answers
):
    actor = actor_of(owner)

    def count():
        client.force_login(owner)
        client.get("/okrs/" + query)  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/okrs/" + query).status_code == 200
        return len(ctx.captured_queries)

    key_result(actor, objective(actor, cycle, product, title="Objective 0"))
    small = count()
    for i in range(1, 5):
        obj = objective(actor, cycle, product, title=f"Objective {i}")
        for _ in range(3):
            key_result(actor, obj)
    assert count() == small


def test_the_owner_filter_offers_everyone_the_page_names(client, okrs, owner, seller):
    # The seller is in none of the reader's teams, yet owns a listed key result (Deals to 100):
    # the filter offers them, where before it offered only the reader's teammates.
    html = page(client, owner)
    assert "Deals to 100" in listed(html)
    assert f'<option value="{seller.pk}"' in html
