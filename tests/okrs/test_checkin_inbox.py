"""The check-in inbox (/check-ins/): my key results in active cycles (my teams' on a toggle),
each checked in from its row; "Save all"; due-ness by the team's cadence; Home and the other
pages that lead to it."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaran.accounts import actions as account_actions
from sasaran.okrs import actions
from sasaran.okrs.models import CheckIn, Cycle, CycleState, KeyResult, Visibility
from tests.okrs.helpers import key_result, objective

HTMX = {"HTTP_HX_REQUEST": "true"}
# A Wednesday; the Monday of its week is 2026-11-23.
WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def okrs(actor_of, admin, owner, teammate, seller, cycle, product, sales):
    me = actor_of(owner)
    prod = objective(me, cycle, product, title="Make onboarding effortless")
    mine = key_result(me, prod, title="Activation from 20 to 50")
    theirs = key_result(me, prod, title="Teammate's churn KR", owner_id=teammate.pk)
    sell = objective(actor_of(seller), cycle, sales, title="Land enterprise logos")
    deals = key_result(actor_of(seller), sell, title="Sign 10 enterprise deals")
    return {"objective": prod, "mine": mine, "theirs": theirs, "deals": deals}


def get(client, user, url="/check-ins/", **extra):
    client.force_login(user)
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def row_post(kr, **fields):
    return {f"kr-{kr.pk}-{k}": v for k, v in fields.items()}


# -- listing and the toggle ---------------------------------------------------------------------


def test_inbox_lists_the_key_results_i_own_in_active_cycles(client, okrs, owner):
    html = get(client, owner)
    assert "Activation from 20 to 50" in html
    assert "Make onboarding effortless" in html  # the objective
    assert "Now 20 · target 50" in html  # current value and target in the KR's unit
    assert f'name="kr-{okrs["mine"].pk}-value" value="20"' in html  # prefilled
    for note in ("progress_note", "wins", "blockers"):
        assert f'name="kr-{okrs["mine"].pk}-{note}"' in html  # visible, not folded
    assert "Teammate&#x27;s churn KR" not in html
    assert "Sign 10 enterprise deals" not in html


def test_key_results_of_planning_and_closed_cycles_are_not_listed(
    client, actor_of, owner, workspace, product
):
    me = actor_of(owner)
    today = timezone.now().date()
    for state, name in ((CycleState.PLANNING, "Next quarter"), (CycleState.CLOSED, "Last year")):
        other = Cycle.objects.create(
            workspace=workspace,
            name=name,
            start_date=today - dt.timedelta(days=10),
            end_date=today + dt.timedelta(days=10),
        )
        key_result(me, objective(me, other, product), title=f"KR of {name}")
        Cycle.objects.filter(pk=other.pk).update(state=state)
    html = get(client, owner)
    assert "KR of Next quarter" not in html and "KR of Last year" not in html
    assert "You own no key results in an active cycle." in html


def test_my_teams_toggle_adds_my_teams_key_results_that_i_may_check_in(
    client, okrs, owner, teammate, actor_of, cycle
):
    personal = objective(actor_of(teammate), cycle, None, title="Teammate's own goal")
    key_result(actor_of(teammate), personal, title="Read twelve books")
    html = get(client, owner, "/check-ins/?teams=1")
    assert "Activation from 20 to 50" in html
    assert "Teammate&#x27;s churn KR" in html  # the Product team's: I may check it in
    assert "Read twelve books" not in html  # a personal KR of somebody else
    assert "Sign 10 enterprise deals" not in html  # another team's
    assert 'name="teams" value="1"' in html  # Save all keeps the toggle


def test_a_viewer_sees_the_key_results_they_own_without_a_form(
    client, actor_of, admin, viewer, cycle, product
):
    obj = objective(actor_of(admin), cycle, product)
    key_result(actor_of(admin), obj, title="Viewer's KR", owner_id=viewer.pk)
    html = get(client, viewer, "/check-ins/?teams=1")
    assert "Viewer&#x27;s KR" in html
    assert "You may not check in on this key result." in html
    assert "-value" not in html


# -- permissions ----------------------------------------------------------------------------------


def test_i_cannot_check_in_a_key_result_i_may_not(client, okrs, seller):
    client.force_login(seller)
    kr = okrs["mine"]
    response = client.post(f"/check-ins/{kr.pk}/", row_post(kr, value="30", confidence="4"), **HTMX)
    assert response.status_code == 422
    assert "Only the key result&#x27;s owner" in response.content.decode()
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_a_key_result_i_cannot_see_answers_not_found(
    client, actor_of, owner, seller, cycle, product
):
    secret = objective(
        actor_of(owner), cycle, product, title="Quiet pricing", visibility=Visibility.PRIVATE
    )
    kr = key_result(actor_of(owner), secret, title="Secret revenue")
    client.force_login(seller)
    assert client.get(f"/check-ins/{kr.pk}/").status_code == 404
    response = client.post(f"/check-ins/{kr.pk}/", row_post(kr, value="30", confidence="4"))
    assert response.status_code == 404
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_the_inbox_needs_sign_in(client, db):
    assert client.get("/check-ins/").status_code == 302


# -- saving a row ---------------------------------------------------------------------------------


def test_a_row_saves_in_place_with_its_confirmation(client, okrs, owner):
    kr = okrs["mine"]
    client.force_login(owner)
    response = client.post(
        f"/check-ins/{kr.pk}/",
        row_post(kr, value="35", confidence="4", blockers="Email vendor is late"),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="checkin-kr-{kr.pk}"')  # the row alone
    assert "Saved · 50% · On track" in html
    assert "Done this week" in html
    assert f'name="kr-{kr.pk}-value" value="35"' in html  # the new value prefilled
    assert "HX-Request" in response["Vary"]
    checkin = CheckIn.objects.get(key_result=kr)
    assert (checkin.value, checkin.confidence, checkin.blockers) == (
        35.0,
        4,
        "Email vendor is late",
    )


def test_a_row_with_a_bad_value_keeps_what_was_typed_and_says_why(client, okrs, owner):
    kr = okrs["mine"]
    client.force_login(owner)
    response = client.post(
        f"/check-ins/{kr.pk}/",
        row_post(kr, value="thirty", confidence="4", progress_note="Wizard shipped"),
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Enter a number between −1,000,000,000,000,000 and 1,000,000,000,000,000." in html
    assert 'value="thirty"' in html and "Wizard shipped" in html
    assert 'aria-invalid="true"' in html
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_a_far_out_value_in_a_row_asks_before_saving_then_saves_what_was_confirmed(
    client, okrs, owner
):
    # Activation from 20 to 50: 1,000,000 is far outside (rules §1.7); the row asks, as the
    # objective page does, keeping the note, and "Yes, save 1,000,000" saves that value.
    kr = okrs["mine"]
    client.force_login(owner)
    typed = row_post(kr, value="1000000", confidence="4", wins="Huge week")
    response = client.post(f"/check-ins/{kr.pk}/", typed, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "is far outside this key result&#x27;s range" in html
    assert f'name="kr-{kr.pk}-confirm_out_of_range" value="1000000"' in html
    assert "Huge week" in html
    assert not CheckIn.objects.filter(key_result=kr).exists()
    confirmed = typed | {f"kr-{kr.pk}-confirm_out_of_range": "1000000"}
    response = client.post(f"/check-ins/{kr.pk}/", confirmed, **HTMX)
    assert response.status_code == 200
    assert CheckIn.objects.get(key_result=kr).value == 1_000_000


def test_a_row_posted_without_script_lands_on_the_inbox_with_a_confirmation(client, okrs, owner):
    kr = okrs["mine"]
    client.force_login(owner)
    response = client.post(
        f"/check-ins/{kr.pk}/", row_post(kr, value="35", confidence="4"), follow=True
    )
    assert response.redirect_chain[-1][0] == "/check-ins/"
    assert "Activation from 20 to 50: Saved · 50% · On track" in response.content.decode()


def test_boolean_and_milestone_key_results_have_their_own_inputs(
    client, actor_of, owner, cycle, product
):
    me = actor_of(owner)
    obj = objective(me, cycle, product)
    launched = actions.create_key_result(me, obj, title="Launch the app", kind="boolean")
    steps = actions.create_key_result(
        me,
        obj,
        title="Ship the wizard",
        kind="milestones",
        milestones=[{"title": "Design"}, {"title": "Build"}],
    )
    html = get(client, owner)
    assert f'type="checkbox" id="ci{launched.pk}-value" name="kr-{launched.pk}-value"' in html
    design, build = steps.milestones.order_by("position", "id")
    assert f'name="kr-{steps.pk}-milestones_done" value="{design.pk}"' in html

    client.post(f"/check-ins/{launched.pk}/", row_post(launched, value="1", confidence="5"), **HTMX)
    client.post(
        f"/check-ins/{steps.pk}/",
        row_post(steps, milestones_done=str(design.pk), confidence="4"),
        **HTMX,
    )
    launched.refresh_from_db()
    steps.refresh_from_db()
    assert launched.current_value == 1.0
    assert steps.progress == 0.5


# -- save all -------------------------------------------------------------------------------------


def test_save_all_saves_the_changed_rows_and_one_bad_row_loses_nothing(
    client, actor_of, owner, cycle, product
):
    me = actor_of(owner)
    obj = objective(me, cycle, product)
    good = key_result(me, obj, title="Good row")
    bad = key_result(me, obj, title="Bad row")
    untouched = key_result(me, obj, title="Untouched row")
    actions.create_checkin(me, untouched.pk, value=25.0, confidence=3)
    client.force_login(owner)
    data = {"row": [str(good.pk), str(bad.pk), str(untouched.pk)]}
    data |= row_post(good, value="30", confidence="4", wins="Two partners signed")
    data |= row_post(bad, value="1e999", confidence="4", blockers="Waiting on legal")
    data |= row_post(untouched, value="25", confidence="3")
    response = client.post("/check-ins/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "1 check-in saved. 1 row needs a correction (below)." in html
    # The good row saved, with its confirmation in its row.
    assert CheckIn.objects.get(key_result=good).wins == "Two partners signed"
    assert "Saved · 33%" in html
    # The bad row kept its input and says why; nothing was saved for it.
    assert not CheckIn.objects.filter(key_result=bad).exists()
    assert 'value="1e999"' in html and "Waiting on legal" in html
    assert "Enter a number between −1,000,000,000,000,000 and 1,000,000,000,000,000." in html
    # The untouched row was not checked in again.
    assert CheckIn.objects.filter(key_result=untouched).count() == 1


def test_save_all_with_nothing_changed_saves_nothing(client, okrs, owner):
    kr = okrs["mine"]
    client.force_login(owner)
    data = {"row": [str(kr.pk)], **row_post(kr, value="20", confidence="")}
    response = client.post("/check-ins/", data)
    assert response.status_code == 200
    assert "Nothing changed: nothing to save." in response.content.decode()
    assert not CheckIn.objects.exists()


# -- due by the team's cadence ----------------------------------------------------------------


@pytest.fixture
def november(workspace):
    return Cycle.objects.create(
        workspace=workspace,
        name="2026-Q4",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 12, 31),
        state=CycleState.ACTIVE,
    )


def test_a_check_in_six_days_old_is_due_since_monday_and_home_says_so(
    client, actor_of, owner, november, product
):
    me = actor_of(owner)
    kr = key_result(me, objective(me, november, product), title="Activation")
    with time_machine.travel(WEDNESDAY, tick=False):
        actions.create_checkin(
            me, kr.pk, value=30.0, confidence=4, checked_in_at=WEDNESDAY - dt.timedelta(days=6)
        )
        html = get(client, owner)
        assert "Due since Monday · last check-in 6\xa0days ago" in html
        home = get(client, owner, "/")
        assert "You are up to date" not in home
        assert "Due since Monday · last check-in 6\xa0days ago" in home


def test_a_check_in_this_week_is_done_this_week(client, actor_of, owner, november, product):
    me = actor_of(owner)
    kr = key_result(me, objective(me, november, product), title="Activation")
    with time_machine.travel(WEDNESDAY, tick=False):
        actions.create_checkin(
            me, kr.pk, value=30.0, confidence=4, checked_in_at=WEDNESDAY - dt.timedelta(days=1)
        )
        assert "Done this week · last check-in 1\xa0day ago" in get(client, owner)
        assert "You are up to date" in get(client, owner, "/")


def test_a_two_weekly_team_on_thursdays_is_done_until_its_next_period(
    client, actor_of, admin, owner, november, product
):
    account_actions.update_team(actor_of(admin), product, checkin_every_weeks=2, checkin_weekday=3)
    me = actor_of(owner)
    kr = key_result(me, objective(me, november, product), title="Activation")
    # Thursday 2026-11-12 starts an on-week (weeks counted from Thursday 1970-01-08); the next
    # one starts Thursday 2026-11-26.
    with time_machine.travel(WEDNESDAY, tick=False):
        actions.create_checkin(
            me, kr.pk, value=30.0, confidence=4, checked_in_at=WEDNESDAY - dt.timedelta(days=6)
        )
        assert "Done for these two weeks · last check-in 6\xa0days ago" in get(client, owner)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=1), tick=False):
        assert "Due today · last check-in 1\xa0week" in get(client, owner)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=2), tick=False):
        assert "Due since Thursday" in get(client, owner)


def test_the_period_begins_at_midnight_in_the_readers_time_zone(
    client, actor_of, owner, november, product
):
    me = actor_of(owner)
    kr = key_result(me, objective(me, november, product), title="Activation")
    monday_early = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)  # Monday 06:30 in Jakarta
    with time_machine.travel(WEDNESDAY, tick=False):
        actions.create_checkin(me, kr.pk, value=30.0, confidence=4, checked_in_at=monday_early)
        assert "Due since Monday" in get(client, owner)  # a UTC reader: it was Sunday
        owner.time_zone = "Asia/Jakarta"
        owner.save()
        assert "Done this week" in get(client, owner)


def test_the_workspace_weekday_is_the_default_for_teams_without_their_own(
    client, actor_of, admin, owner, november, product, workspace
):
    account_actions.update_workspace(actor_of(admin), checkin_weekday=4)  # Friday
    me = actor_of(owner)
    kr = key_result(me, objective(me, november, product), title="Activation")
    with time_machine.travel(WEDNESDAY, tick=False):
        # Saturday 21 Nov: after Friday 20 Nov, the start of this period.
        actions.create_checkin(
            me, kr.pk, value=30.0, confidence=4, checked_in_at=WEDNESDAY - dt.timedelta(days=4)
        )
        assert "Done this week" in get(client, owner)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=2), tick=False):  # Friday 27 Nov
        assert "Due today" in get(client, owner)


# -- the team's cadence in settings ---------------------------------------------------------------


def test_an_admin_sets_a_teams_cadence_in_settings(client, admin, product):
    client.force_login(admin)
    response = client.post(
        f"/settings/teams/{product.pk}/",
        {"form": "cadence", "checkin_every_weeks": "2", "checkin_weekday": "3"},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.checkin_every_weeks, product.checkin_weekday) == (2, 3)
    page = client.get(f"/settings/teams/{product.pk}/").content.decode()
    assert "Check-in rhythm" in page and '<option value="3" selected>Thursday</option>' in page
    # Back to the workspace's rhythm.
    client.post(
        f"/settings/teams/{product.pk}/",
        {"form": "cadence", "checkin_every_weeks": "", "checkin_weekday": ""},
    )
    product.refresh_from_db()
    assert (product.checkin_every_weeks, product.checkin_weekday) == (None, None)


def test_an_admin_sets_the_workspace_weekday_in_settings(client, admin, workspace):
    client.force_login(admin)
    form = {
        "name": "Acme",
        "on_track_threshold": "0.7",
        "at_risk_threshold": "0.4",
        "grace_fraction": "0.1",
        "checkin_cadence_days": "7",
        "checkin_weekday": "4",
        "time_zone": "UTC",
    }
    assert client.post("/settings/workspace/", form).status_code == 302
    workspace.refresh_from_db()
    assert workspace.checkin_weekday == 4
    assert client.post("/settings/workspace/", form | {"checkin_weekday": "9"}).status_code == 422
    workspace.refresh_from_db()
    assert workspace.checkin_weekday == 4


def test_a_bad_cadence_is_refused_and_a_member_may_not_set_one(
    client, actor_of, admin, owner, product
):
    from sasaran.errors import Forbidden, Invalid

    with pytest.raises(Invalid) as exc:
        account_actions.update_team(actor_of(admin), product, checkin_every_weeks=3)
    assert exc.value.errors[0]["field"] == "checkin_every_weeks"
    with pytest.raises(Invalid):
        account_actions.update_team(actor_of(admin), product, checkin_weekday=7)
    with pytest.raises(Forbidden):
        account_actions.update_team(actor_of(owner), product, checkin_weekday=2)
    client.force_login(admin)
    response = client.post(
        f"/settings/teams/{product.pk}/", {"form": "cadence", "checkin_every_weeks": "5"}
    )
    assert response.status_code == 422
    product.refresh_from_db()
    assert product.checkin_every_weeks is None


# -- query counts -------------------------------------------------------------------------------


def _add_rows(me, cycle, team, n):
    for i in range(n):
        obj = objective(me, cycle, team, title=f"Objective {i}")
        kr = key_result(me, obj, title=f"Numeric {i}")
        actions.create_checkin(me, kr.pk, value=30.0, confidence=3)
        actions.create_key_result(
            me, obj, title=f"Steps {i}", kind="milestones", milestones=[{"title": "One"}]
        )


def _count(client, url):
    client.get(url)  # the process now keeps this reader's actor
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_inbox_runs_the_same_number_of_queries_however_many_rows(
    client, actor_of, owner, teammate, cycle, product, no_kept_answers
):
    me, them = actor_of(owner), actor_of(teammate)
    _add_rows(me, cycle, product, 1)
    _add_rows(them, cycle, product, 1)
    client.force_login(owner)
    few = (_count(client, "/check-ins/"), _count(client, "/check-ins/?teams=1"))
    _add_rows(me, cycle, product, 6)
    _add_rows(them, cycle, product, 6)
    many = (_count(client, "/check-ins/"), _count(client, "/check-ins/?teams=1"))
    assert few == many
    # session, user, change stamps, the rows, their milestones (and savepoints none).
    assert many[0] <= 7


def test_save_all_runs_a_fixed_number_of_queries_besides_the_check_ins(
    client, actor_of, owner, cycle, product
):
    me = actor_of(owner)
    _add_rows(me, cycle, product, 5)
    client.force_login(owner)
    data = {"row": []}
    for kr in KeyResult.objects.filter(owner=owner):
        # The page posts every row's prefilled fields; nothing was changed.
        data["row"].append(str(kr.pk))
        data |= row_post(kr, value=f"{kr.current_value:g}", confidence=str(kr.confidence or ""))
    client.get("/check-ins/")  # the process now keeps this reader's actor
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/check-ins/", data)
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 12


# -- both languages ------------------------------------------------------------------------------


def test_the_inbox_speaks_indonesian_and_reads_decimal_commas(client, okrs, owner):
    owner.language = "id"
    owner.save()
    kr = okrs["mine"]
    html = get(client, owner)
    assert "Simpan semua" in html and "Tim saya" in html
    client.post(f"/check-ins/{kr.pk}/", row_post(kr, value="35,5", confidence="4"), **HTMX)
    assert CheckIn.objects.get(key_result=kr).value == 35.5


def test_due_wording_in_indonesian(client, actor_of, owner, november, product):
    owner.language = "id"
    owner.save()
    me = actor_of(owner)
    kr = key_result(me, objective(me, november, product), title="Activation")
    with time_machine.travel(WEDNESDAY, tick=False):
        actions.create_checkin(
            me, kr.pk, value=30.0, confidence=4, checked_in_at=WEDNESDAY - dt.timedelta(days=6)
        )
        assert "Jatuh tempo sejak Senin" in get(client, owner)


# -- the pages that lead here ---------------------------------------------------------------------


def test_home_links_to_the_inbox_and_to_my_key_results(client, okrs, owner):
    html = get(client, owner, "/")
    assert '<h2 id="due-h"><a href="/check-ins/">Check in this week</a></h2>' in html
    assert f'href="/okrs/?view=list&amp;owner={owner.pk}"' in html
    kr = okrs["mine"]
    # A due row opens the inbox's row form in place.
    assert f'hx-get="/check-ins/{kr.pk}/?place=home"' in html
    # So does a KR row of my teams' objectives that I may check in (here: a teammate's).
    assert f'hx-get="/check-ins/{okrs["theirs"].pk}/?place=home"' in html
    row = get(client, owner, f"/check-ins/{kr.pk}/?place=home", **HTMX)
    assert 'name="place" value="home"' in row and f'name="kr-{kr.pk}-value"' in row


def test_the_nav_has_the_inbox(client, okrs, owner):
    assert '<a href="/check-ins/" aria-current="page">Check-ins</a>' in get(client, owner)


def test_saving_the_full_check_in_page_confirms_on_the_page_it_lands_on(client, okrs, owner):
    kr = okrs["mine"]
    client.force_login(owner)
    response = client.post(
        f"/key-results/{kr.pk}/check-in/", {"value": "35", "confidence": "4"}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(f"/objectives/{kr.objective_id}/")
    assert "Check-in saved: Activation from 20 to 50" in response.content.decode()


def test_the_objective_page_puts_check_in_at_each_key_results_top(client, okrs, owner):
    html = get(client, owner, f"/objectives/{okrs['objective'].pk}/")
    card = html[html.index(f'id="kr-{okrs["mine"].pk}"') :]
    assert card.index("<summary>Check in</summary>") < card.index('class="facts"')


def test_the_explorer_filter_panel_folds_with_its_count(client, okrs, owner, product):
    html = get(client, owner, f"/okrs/?team={product.pk}&status=on_track")
    assert '<details class="filters-fold" open data-fold-narrow><summary>Filters (2)' in html


def test_a_row_labels_a_two_form_unit_by_its_plural_and_a_fresh_check_in_as_just_now(
    client, actor_of, owner, cycle, product
):
    me = actor_of(owner)
    kr = key_result(
        me, objective(me, cycle, product), title="Case studies", unit="case study|case studies"
    )
    actions.create_checkin(me, kr.pk, value=1.0, confidence=4)
    html = get(client, owner)
    assert "Value (case studies)" in html and "case study|case studies" not in html
    assert "Now 1 case study" in html
    assert "last check-in just now" in html and "0 minutes" not in html
    assert "Nothing is due for a check-in." in html
