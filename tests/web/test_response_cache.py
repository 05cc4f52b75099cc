"""Pages and API lists are kept per reader while nothing they show has changed, and answer 304 to
a conditional request (sasaran.responsecache, issue 8). Every test here reads through the real
middleware stack; a change goes through the actions, which move the workspace's stamp."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaran import changes, responsecache
from sasaran.accounts.queries import request_actor
from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective


@pytest.fixture(autouse=True)
def empty_store():
    responsecache.clear()
    yield
    responsecache.clear()


@pytest.fixture
def okr(actor_of, owner, cycle, product):
    me = actor_of(owner)
    obj = objective(me, cycle, product, title="Delight users")
    return obj, key_result(me, obj, title="Weekly actives", start_value=0, target_value=100)


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return response, len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/okrs/", "/objectives/{obj}/", "/check-ins/", "/alignment/"])
def test_a_second_read_costs_only_who_is_asking(client, owner, okr, url):
    url = url.format(obj=okr[0].pk)
    client.force_login(owner)
    client.get(url)  # the first page also hands out the CSRF cookie: not kept
    first, _ = _get(client, url)
    second, queries = _get(client, url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert queries == 3  # session, user, change stamps


def test_a_check_in_shows_on_the_next_read(client, actor_of, owner, okr):
    obj, kr = okr
    client.force_login(owner)
    client.get(f"/objectives/{obj.pk}/")
    assert "73.5" not in _get(client, f"/objectives/{obj.pk}/")[0].content.decode()
    actions.create_checkin(actor_of(owner), kr.pk, value=73.5, confidence=4)
    page, queries = _get(client, f"/objectives/{obj.pk}/")
    assert "73.5" in page.content.decode() and queries > 3


def test_one_readers_page_is_never_anothers(client, actor_of, owner, seller, cycle, product):
    objective(actor_of(owner), cycle, product, title="Secret pricing", visibility="private")
    client.force_login(owner)
    assert "Secret pricing" in _get(client, "/okrs/")[0].content.decode()
    client.force_login(seller)
    assert "Secret pricing" not in _get(client, "/okrs/")[0].content.decode()


def test_a_reload_with_the_etag_gets_304_until_something_changes(client, actor_of, owner, okr):
    obj, kr = okr
    client.force_login(owner)
    client.get("/")  # hands out the CSRF cookie: neither kept nor tagged
    page, _ = _get(client, "/")
    etag = page["ETag"]
    assert page["Cache-Control"] == "private, no-cache"
    again, queries = _get(client, "/", **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and queries == 3
    actions.create_checkin(actor_of(owner), kr.pk, value=10.0, confidence=3)
    changed, _ = _get(client, "/", **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_an_answer_is_at_most_a_minute_behind_the_clock(client, owner, okr):
    client.force_login(owner)
    client.get("/")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first, _ = _get(client, "/")
        clock.shift(dt.timedelta(seconds=61))
        later, queries = _get(client, "/")
    assert later["ETag"] != first["ETag"] and queries > 3


def test_the_language_and_the_time_zone_are_part_of_the_key(client, owner, okr):
    client.force_login(owner)
    client.get("/")
    english, _ = _get(client, "/")
    owner.language = "id"
    owner.save()
    indonesian, _ = _get(client, "/")
    assert english["ETag"] != indonesian["ETag"]
    assert "Kunci" in indonesian.content.decode() or "Hasil" in indonesian.content.decode()
    owner.time_zone = "Asia/Jakarta"
    owner.save()
    assert _get(client, "/")[0]["ETag"] != indonesian["ETag"]


def test_an_htmx_fragment_and_the_page_are_kept_apart(client, owner, okr):
    client.force_login(owner)
    client.get("/okrs/")
    for _ in range(2):  # rendered, then kept
        page, _ = _get(client, "/okrs/")
        fragment, _ = _get(client, "/okrs/", **{"HX-Request": "true"})
        assert b"<html" in page.content and b"<html" not in fragment.content
        assert "HX-Request" in fragment["Vary"] and "HX-Request" in page["Vary"]


def test_a_csv_download_is_not_kept(client, owner, okr):
    client.force_login(owner)
    _get(client, "/okrs/attention/?format=csv")
    _csv, queries = _get(client, "/okrs/attention/?format=csv")
    assert queries > 3


def test_flash_messages_waiting_skip_the_store(owner, workspace, okr):
    """A page with a message waiting must show it (and once): it is rendered afresh."""
    request = RequestFactory().get("/", HTTP_COOKIE="messages=waiting")
    request.user = owner
    request.actor, request.stamps = request_actor(owner.pk)
    built = []

    def build():
        from django.http import HttpResponse

        built.append(1)
        return HttpResponse("page")

    responsecache.answer(request, build)
    responsecache.answer(request, build)
    assert len(built) == 2


def test_with_the_store_off_every_read_renders_but_304_still_works(client, owner, okr, settings):
    settings.RESPONSE_CACHE = False
    client.force_login(owner)
    client.get("/")
    first, _ = _get(client, "/")
    second, queries = _get(client, "/")
    assert queries > 3
    assert _get(client, "/", **{"If-None-Match": second["ETag"]})[0].status_code == 304


def test_an_api_list_is_kept_and_follows_a_check_in(api_client, actor_of, owner, okr, cycle):
    obj, kr = okr
    client = api_client(owner)
    url = f"/api/v1/key-results?cycle={cycle.pk}"
    client.get(url)
    second, queries = _get(client, url)
    # rate-limit budgets, token, change stamps
    assert queries == 3 and second.json()["items"][0]["current_value"] == 0
    actions.create_checkin(actor_of(owner), kr.pk, value=55.0, confidence=4)
    assert _get(client, url)[0].json()["items"][0]["current_value"] == 55.0


def test_a_new_role_changes_the_key(api_client, client, actor_of, admin, viewer, okr):
    from sasaran.accounts.actions import update_member
    from sasaran.accounts.models import Membership

    client.force_login(viewer)
    client.get("/")
    before, _ = _get(client, f"/objectives/{okr[0].pk}/")
    update_member(actor_of(admin), Membership.objects.get(user=viewer), role="member")
    after, _ = _get(client, f"/objectives/{okr[0].pk}/")
    assert after["ETag"] != before["ETag"]
    assert changes.stamps(viewer.memberships.get().workspace_id)  # the stamps exist
