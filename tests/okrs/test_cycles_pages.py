"""The cycle pages: create, activate, close with grades and retrospectives, celebrate, carry
over (issue 3)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaran.okrs import actions
from sasaran.okrs.models import Cycle, CycleState, KeyResult, Retrospective
from sasaran.okrs.views.cycles import _free_quarter_name
from tests.okrs.helpers import key_result, objective


@pytest.fixture
def graded(actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product, title="Delight users")
    nps = key_result(actor_of(owner), obj, title="NPS 20 to 50")
    actions.create_checkin(actor_of(owner), nps.pk, value=44.0, confidence=4, wins="Big NPS jump")
    churn = key_result(
        actor_of(owner),
        obj,
        title="Churn 5 to 3",
        direction="decrease",
        start_value=5.0,
        target_value=3.0,
    )
    actions.create_checkin(actor_of(owner), churn.pk, value=4.5, confidence=2)
    return obj, nps, churn


def row_of(html, kr):
    """The close page's table row of a key result."""
    start = html.index(f'id="kr-{kr.pk}"')
    return html[start : html.index("</tr>", start)]


def selected_score(html, kr):
    select = re.search(r"<select[^>]*>(.*?)</select>", row_of(html, kr), re.S).group(1)
    return re.search(r'<option value="([0-9.]+)"[^>]*\sselected>', select).group(1)


def test_admin_creates_a_cycle_and_activates_it(client, admin, workspace):
    client.force_login(admin)
    page = client.get("/cycles/")
    assert page.status_code == 200 and b"New cycle" in page.content
    bad = client.post(
        "/cycles/new/", {"name": "2026-Q3", "start_date": "2026-09-30", "end_date": "2026-07-01"}
    )
    assert bad.status_code == 422
    assert 'id="id_end_date-error"' in bad.content.decode()
    assert 'value="2026-Q3"' in bad.content.decode()
    ok = client.post(
        "/cycles/new/", {"name": "2026-Q3", "start_date": "2026-07-01", "end_date": "2026-09-30"}
    )
    assert ok.status_code == 302
    created = Cycle.objects.get(name="2026-Q3")
    assert created.state == CycleState.PLANNING
    assert f"/cycles/{created.pk}/activate/" in client.get("/cycles/").content.decode()
    assert client.post(f"/cycles/{created.pk}/activate/").status_code == 302
    created.refresh_from_db()
    assert created.state == CycleState.ACTIVE


def test_members_see_no_cycle_controls_and_get_403(client, owner, cycle, graded):
    client.force_login(owner)
    html = client.get("/cycles/").content.decode()
    assert "New cycle" not in html and "/close/" not in html
    assert client.post("/cycles/new/", {"name": "X"}).status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/activate/").status_code == 403
    assert client.get(f"/cycles/{cycle.pk}/close/").status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/close/", {}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE


def test_close_walk_through_suggests_scores_and_needs_a_reason_to_change_one(
    client, admin, cycle, graded
):
    obj, nps, churn = graded
    client.force_login(admin)
    html = client.get(f"/cycles/{cycle.pk}/close/").content.decode()
    # NPS 20 -> 44 of 50 = 0.8; churn 5 -> 4.5 of 3 = 0.25 -> 0.3.
    assert selected_score(html, nps) == "0.8"
    assert selected_score(html, churn) == "0.3"
    data = {
        f"score-{nps.pk}": "0.8",
        f"score-{churn.pk}": "0.5",
        f"reason-{churn.pk}": "",
        f"what_worked-{obj.pk}": "Weekly calls with churned customers",
        f"learnings-{obj.pk}": "Churn lags NPS",
        f"root_causes-{obj.pk}": "",
    }
    refused = client.post(f"/cycles/{cycle.pk}/close/", data)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert f'id="reason-{churn.pk}-error"' in body
    assert "Weekly calls with churned customers" in body  # the retrospective typed is kept
    assert selected_score(body, churn) == "0.5"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE

    data[f"reason-{churn.pk}"] = "The pricing change landed after the quarter"
    asked = client.post(f"/cycles/{cycle.pk}/close/", data)
    # A valid form is first confirmed (tests/okrs/test_close_confirmation.py): nothing closes.
    assert asked.status_code == 200 and 'id="confirm-close"' in asked.content.decode()
    cycle.refresh_from_db()
    assert cycle.state == CycleState.ACTIVE
    done = client.post(f"/cycles/{cycle.pk}/close/", {**data, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == f"/cycles/{cycle.pk}/celebrate/"
    cycle.refresh_from_db()
    assert cycle.state == CycleState.CLOSED
    churn.refresh_from_db()
    nps.refresh_from_db()
    assert (nps.score, churn.score) == (0.8, 0.5)
    assert churn.score_reason == "The pricing change landed after the quarter"
    retro = Retrospective.objects.get(objective=obj)
    assert (retro.what_worked, retro.learnings) == (
        "Weekly calls with churned customers",
        "Churn lags NPS",
    )
    obj.refresh_from_db()
    assert obj.score == 0.65


def test_celebrate_lists_the_wins(client, actor_of, admin, owner, cycle, graded):
    obj, nps, churn = graded
    actions.close_cycle(actor_of(admin), cycle)
    client.force_login(owner)
    page = client.get(f"/cycles/{cycle.pk}/celebrate/")
    assert page.status_code == 200
    html = page.content.decode()
    wins = html[html.index('id="won-krs"') : html.index('id="win-notes"')]
    assert "NPS 20 to 50" in wins and "Churn 5 to 3" not in wins
    assert "Big NPS jump" in html
    assert "1 / 2" in html


def test_close_page_runs_the_same_queries_for_2_and_6_krs(
    client, actor_of, admin, owner, cycle, product
):
    client.force_login(admin)

    def count():
        client.get(f"/cycles/{cycle.pk}/close/")  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cycles/{cycle.pk}/close/").status_code == 200
        return len(ctx.captured_queries)

    obj = objective(actor_of(owner), cycle, product)
    for i in range(2):
        key_result(actor_of(owner), obj, title=f"KR {i}")
    small = count()
    other = objective(actor_of(owner), cycle, product, title="Second")
    for i in range(4):
        key_result(actor_of(owner), other, title=f"More {i}")
    actions.save_retrospective(actor_of(owner), other, learnings="x")
    assert count() == small


def test_carry_over_links_the_copies_to_their_origin(client, actor_of, admin, owner, cycle, graded):
    obj, nps, churn = graded
    actions.close_cycle(actor_of(admin), cycle)
    nxt = actions.create_cycle(
        actor_of(admin),
        name="Next",
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=90),
    )
    client.force_login(owner)
    page = client.get(f"/cycles/{cycle.pk}/carry-over/").content.decode()
    # Without a team nothing comes ticked; the team's unfinished key results do.
    assert f'value="{nps.pk}">' in page and f'value="{churn.pk}">' in page
    assert f'<option value="{nxt.pk}" selected>' in page
    page = client.get(f"/cycles/{cycle.pk}/carry-over/?team={obj.team_id}").content.decode()
    assert f'value="{nps.pk}" checked' in page and f'value="{churn.pk}" checked' in page
    response = client.post(
        f"/cycles/{cycle.pk}/carry-over/", {"target": str(nxt.pk), "kr": [str(churn.pk)]}
    )
    assert response.status_code == 302 and response.url == f"/okrs/?cycle={nxt.pk}"
    assert "1 key result carried into Next." in client.get(response.url).content.decode()
    copy = KeyResult.objects.get(objective__cycle=nxt)
    assert copy.origin_id == churn.pk and copy.start_value == 4.5
    assert copy.objective.origin_id == obj.pk
    again = client.get(f"/cycles/{cycle.pk}/carry-over/?team={obj.team_id}").content.decode()
    assert "already carried into Next" in again and "already in Next" in again
    # What is already in the target cycle cannot be ticked again; the rest still comes ticked.
    assert f'value="{churn.pk}" disabled>' in again and f'value="{nps.pk}" checked' in again


def test_activating_a_quarter_starts_its_year_and_warns_of_another_running_quarter(
    client, admin, workspace, cycle
):
    year = Cycle.objects.create(
        workspace=workspace,
        name="FY",
        start_date=cycle.start_date,
        end_date=cycle.start_date + dt.timedelta(days=364),
    )
    cycle.parent = year
    cycle.save()
    nxt = Cycle.objects.create(
        workspace=workspace,
        name="Next quarter",
        parent=year,
        start_date=cycle.end_date + dt.timedelta(days=1),
        end_date=cycle.end_date + dt.timedelta(days=90),
    )
    client.force_login(admin)
    response = client.post(f"/cycles/{nxt.pk}/activate/", follow=True)
    year.refresh_from_db()
    assert year.state == CycleState.ACTIVE
    html = response.content.decode()
    assert "Next quarter is now active." in html
    assert "Current quarter is still active too" in html


def test_viewer_cannot_carry_over(client, viewer, cycle):
    client.force_login(viewer)
    assert client.get(f"/cycles/{cycle.pk}/carry-over/").status_code == 403
    assert client.post(f"/cycles/{cycle.pk}/carry-over/", {}).status_code == 403


def test_close_page_colours_suggested_and_chosen_scores_by_band(client, admin, cycle, graded):
    obj, nps, churn = graded
    client.force_login(admin)
    html = client.get(f"/cycles/{cycle.pk}/close/").content.decode()
    # Suggested 0.8 is green, 0.3 red; the select wears the band of the score it holds.
    assert 'class="suggested grade grade-green">0.8<' in row_of(html, nps)
    assert 'class="suggested grade grade-red">0.3<' in row_of(html, churn)
    assert f'name="score-{nps.pk}" class="score-green"' in row_of(html, nps)
    assert f'name="score-{churn.pk}" class="score-red"' in row_of(html, churn)
    # Every option carries its band, so the select recolours on change without script.
    options = dict(re.findall(r'<option value="([0-9.]+)" class="score-(\w+)"', row_of(html, nps)))
    assert options == {
        **{v: "green" for v in ("1.0", "0.9", "0.8", "0.7")},
        **{v: "yellow" for v in ("0.6", "0.5", "0.4")},
        **{v: "red" for v in ("0.3", "0.2", "0.1", "0.0")},
    }
    # A refused post shows the band of the score chosen, next to the suggestion's own band.
    refused = client.post(
        f"/cycles/{cycle.pk}/close/", {f"score-{nps.pk}": "0.8", f"score-{churn.pk}": "0.5"}
    ).content.decode()
    assert f'name="score-{churn.pk}" class="score-yellow"' in row_of(refused, churn)
    assert 'class="suggested grade grade-red">0.3<' in row_of(refused, churn)


def test_close_page_marks_only_the_grade_step_current(client, admin, cycle, graded):
    client.force_login(admin)
    html = client.get(f"/cycles/{cycle.pk}/close/").content.decode()
    steps = html[html.index('<ol class="steps"') : html.index("</ol>")]
    assert steps.count('aria-current="step"') == 1
    assert '<li aria-current="step">Grade</li>' in steps


def test_every_grade_table_declares_the_same_columns(
    client, actor_of, admin, owner, cycle, product, graded
):
    other = objective(actor_of(owner), cycle, product, title="Second")
    key_result(actor_of(owner), other, title="A longer key result title than the others")
    client.force_login(admin)
    html = client.get(f"/cycles/{cycle.pk}/close/").content.decode()
    tables = html.split('<table class="grade-table">')[1:]
    assert len(tables) == 2
    colgroups = {re.search(r"<colgroup>.*?</colgroup>", t).group(0) for t in tables}
    assert len(colgroups) == 1 and colgroups.pop().count("<col ") == 5


def test_celebrate_shows_each_win_once_per_key_result_newest_first(
    client, actor_of, admin, owner, cycle, graded
):
    obj, nps, churn = graded
    now = timezone.now()
    for hours, kr, wins in [
        (5, nps, "Survey panel  recruited"),
        (4, nps, "Survey panel recruited"),
        (3, churn, "Survey panel recruited"),  # same words, another key result: a win of its own
        (2, nps, "survey panel recruited"),
        (1, nps, "   "),
    ]:
        actions.create_checkin(
            actor_of(owner),
            kr.pk,
            value=44.0 if kr == nps else 4.5,
            confidence=3,
            wins=wins,
            checked_in_at=now - dt.timedelta(hours=hours),
        )
    client.force_login(owner)
    html = client.get(f"/cycles/{cycle.pk}/celebrate/").content.decode()
    notes = html[html.index('id="win-notes"') :]
    assert notes.lower().count("survey panel") == 2
    # The newest wording is the one kept.
    assert "survey panel recruited" in notes and "Survey panel  recruited" not in notes
    assert (
        notes.index("Big NPS jump")
        < notes.index("survey panel recruited")
        < notes.index("Survey panel recruited")
    )
    assert "older win" not in notes


def test_celebrate_lists_the_30_newest_wins_and_counts_the_rest(
    client, actor_of, owner, cycle, graded
):
    obj, nps, churn = graded  # one win already, "Big NPS jump", the newest
    now = timezone.now()
    for i in range(33):
        actions.create_checkin(
            actor_of(owner),
            nps.pk,
            value=44.0,
            confidence=3,
            wins=f"Win number {i}.",
            checked_in_at=now - dt.timedelta(minutes=100 - i),
        )
    client.force_login(owner)
    html = client.get(f"/cycles/{cycle.pk}/celebrate/").content.decode()
    notes = html[html.index('id="win-notes"') :]
    shown = re.findall(r"Win number (\d+)\.", notes)
    assert "Big NPS jump" in notes
    assert shown == [str(i) for i in range(32, 3, -1)]  # 1 + 29 shown, wins 0 to 3 left out
    assert "4 older wins are not shown." in notes


def test_celebrate_says_what_the_bars_are(client, actor_of, admin, owner, cycle, graded):
    actions.close_cycle(actor_of(admin), cycle)
    client.force_login(owner)
    html = client.get(f"/cycles/{cycle.pk}/celebrate/").content.decode()
    hero = html[html.index('class="hero"') : html.index("</section>")]
    assert "An objective meets its bar at 1.0 when committed and at 0.7 when aspirational." in hero


def test_cycle_list_puts_each_quarter_under_its_year(client, actor_of, admin, workspace):
    def make(name, start, end, parent=None, state=CycleState.PLANNING):
        return Cycle.objects.create(
            workspace=workspace,
            name=name,
            start_date=dt.date.fromisoformat(start),
            end_date=dt.date.fromisoformat(end),
            parent=parent,
            state=state,
        )

    fy26 = make("FY2026", "2026-01-01", "2026-12-31", state=CycleState.ACTIVE)
    make("2026-Q3", "2026-07-01", "2026-09-30", fy26, CycleState.CLOSED)
    make("2026-Q4", "2026-10-01", "2026-12-31", fy26, CycleState.ACTIVE)
    fy27 = make("FY2027", "2027-01-01", "2027-12-31")
    make("2027-Q1", "2027-01-01", "2027-03-31", fy27)
    make("Hackathon", "2026-11-01", "2026-11-30")
    client.force_login(admin)
    html = client.get("/cycles/").content.decode()
    rows = re.findall(r'<tr( class="nested")?>\s*<th scope="row"><a href="[^"]*">([^<]+)</a>', html)
    assert [(name, bool(nested)) for nested, name in rows] == [
        ("FY2027", False),
        ("2027-Q1", True),
        ("Hackathon", False),
        ("FY2026", False),
        ("2026-Q4", True),
        ("2026-Q3", True),
    ]


def test_cycle_list_actions_all_look_like_buttons(client, actor_of, admin, cycle, graded):
    actions.close_cycle(actor_of(admin), cycle)
    client.force_login(admin)
    html = client.get("/cycles/").content.decode()
    cell = html[html.index('<div class="cycle-actions">') :]
    cell = cell[: cell.index("</div>")]
    links = re.findall(r"<a ([^>]*)>", cell)
    assert len(links) == 3  # grade, celebrate and carry over
    assert all('class="button secondary"' in a for a in links)


def test_new_cycle_placeholder_names_no_existing_cycle(client, admin, workspace, cycle):
    today = timezone.localdate()
    year, quarter = divmod((today.month - 1) // 3 + 1, 4)
    taken = f"{today.year + year}-Q{quarter + 1}"  # the quarter after today's
    Cycle.objects.create(
        workspace=workspace,
        name=taken,
        start_date=today + dt.timedelta(days=100),
        end_date=today + dt.timedelta(days=190),
    )
    client.force_login(admin)
    html = client.get("/cycles/").content.decode()
    placeholder = re.search(
        r'name="name"[^>]*placeholder="([^"]+)"|placeholder="([^"]+)"[^>]*name="name"', html
    )
    name = placeholder.group(1) or placeholder.group(2)
    assert re.fullmatch(r"\d{4}-Q[1-4]", name) and name != taken


def test_free_quarter_name_is_the_first_free_quarter_after_today():
    assert _free_quarter_name(set(), dt.date(2026, 11, 30)) == "2027-Q1"
    assert _free_quarter_name({"2027-Q1"}, dt.date(2026, 11, 30)) == "2027-Q2"
    assert _free_quarter_name({"2026-Q3", "2026-Q4"}, dt.date(2026, 4, 1)) == "2027-Q1"


def _objective_counts(html: str) -> dict[str, str]:
    """Cycle name -> the number in its Objectives column, from the cycles page."""
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    counts = {}
    for row in rows:
        name = re.search(r"<a [^>]*>([^<]*)</a>", row).group(1)
        counts[name] = re.findall(r"<td>([^<]*)</td>", row)[-1]
    return counts


def test_cycle_list_counts_only_the_objectives_the_reader_may_see(
    client, actor_of, admin, owner, seller, cycle, product
):
    """Defect 3: a private objective of Product showed in Sales' count."""
    objective(actor_of(owner), cycle, product, title="Open to all")
    objective(actor_of(owner), cycle, product, title="Product only", visibility="private")
    objective(actor_of(owner), cycle, None, title="Olga's own", visibility="private")
    for user, expected in ((seller, "1"), (owner, "3"), (admin, "3")):
        client.force_login(user)
        assert _objective_counts(client.get("/cycles/").content.decode()) == {
            cycle.name: expected
        }, user


def test_cycle_list_runs_the_same_queries_for_one_and_many_cycles(
    client, actor_of, admin, seller, workspace, cycle, product
):
    client.force_login(seller)

    def count() -> int:
        client.get("/cycles/")  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/cycles/").status_code == 200
        return len(queries)

    objective(actor_of(admin), cycle, product, visibility="private")
    one = count()
    for year in (2030, 2031, 2032):
        other = Cycle.objects.create(
            workspace=workspace,
            name=f"FY{year}",
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 12, 31),
        )
        objective(actor_of(admin), other, product)
    assert count() == one
