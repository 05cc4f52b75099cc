"""Comments on objectives and key results: who may write, edit and delete them, what readers
see (sanitised markdown, mentions of members who can see the objective), what the audit log
and the events say, and the objective page's feed in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sasaran.accounts.queries import actor_for
from sasaran.audit.models import AuditEntry
from sasaran.errors import Forbidden, Invalid, NotFound
from sasaran.events import Event, subscribe
from sasaran.events.bus import unsubscribe
from sasaran.okrs import actions, events
from sasaran.okrs.comments import MAX_BODY, body_html, get_comment
from sasaran.okrs.mentions import handles_in, resolve
from sasaran.okrs.models import Comment, Mention
from tests.conftest import _member
from tests.okrs.helpers import key_result, objective

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def okr(actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product, title="Make onboarding effortless")
    kr = key_result(actor_of(owner), obj, title="Activation from 20 to 50")
    return obj, kr


@pytest.fixture
def private(actor_of, owner, cycle, product):
    return objective(
        actor_of(owner), cycle, product, title="Secret acquisition", visibility="private"
    )


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    """The comment events immediate subscribers receive (after the commit): run the code under
    test inside `with published.commit():`."""

    class Seen(list):
        def commit(self):
            return django_capture_on_commit_callbacks(execute=True)

    seen = Seen()

    def handler(event):
        if isinstance(event, events.CommentAdded | events.CommentEdited | events.CommentDeleted):
            seen.append(event)

    subscribe(Event)(handler)
    yield seen
    unsubscribe(handler)


# ---- adding ----------------------------------------------------------------------------------


def test_a_member_comments_on_an_objective_and_on_a_key_result(actor_of, teammate, okr):
    obj, kr = okr
    on_obj = actions.add_comment(actor_of(teammate), objective_id=obj.pk, body="  Looks good  ")
    on_kr = actions.add_comment(actor_of(teammate), key_result_id=kr.pk, body="Why 50?")
    assert (on_obj.objective_id, on_obj.key_result_id, on_obj.body) == (obj.pk, None, "Looks good")
    assert (on_kr.objective_id, on_kr.key_result_id) == (obj.pk, kr.pk)
    assert on_obj.author_id == teammate.pk and on_obj.edited_at is None


def test_a_member_of_another_team_may_comment_on_what_they_can_see(actor_of, seller, okr):
    obj, _ = okr
    comment = actions.add_comment(actor_of(seller), objective_id=obj.pk, body="Sales agrees")
    assert comment.author_id == seller.pk


def test_a_comment_names_exactly_one_target(actor_of, owner, okr):
    obj, kr = okr
    for kwargs in ({}, {"objective_id": obj.pk, "key_result_id": kr.pk}):
        with pytest.raises(Invalid):
            actions.add_comment(actor_of(owner), body="Hello", **kwargs)
    assert not Comment.objects.exists()


def test_a_viewer_reads_comments_but_cannot_write_them(actor_of, viewer, okr):
    obj, _ = okr
    with pytest.raises(Forbidden, match="Viewers"):
        actions.add_comment(actor_of(viewer), objective_id=obj.pk, body="Hi")
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused(actor_of, owner, okr):
    with pytest.raises(Invalid) as refused:
        actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="   \n ")
    assert refused.value.errors[0]["field"] == "body"


def test_a_too_long_comment_is_refused_whole_and_nothing_is_saved(actor_of, owner, okr):
    with pytest.raises(Invalid) as refused:
        actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="x" * (MAX_BODY + 1))
    assert refused.value.errors[0]["field"] == "body"
    assert "at most 10,000 characters; this one has 10,001" in refused.value.message
    assert not Comment.objects.exists() and not AuditEntry.objects.filter(object_type="comment")
    # Exactly the limit is fine.
    actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="x" * MAX_BODY)


def test_the_length_limit_is_said_in_the_readers_language(actor_of, owner, okr):
    with translation.override("id"), pytest.raises(Invalid) as refused:
        actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="x" * 12345)
    assert "paling banyak 10.000 karakter; komentar ini 12.345 karakter" in refused.value.message


def test_a_comment_on_a_closed_cycle_is_allowed(actor_of, admin, owner, okr):
    obj, _ = okr
    actions.close_cycle(actor_of(admin), obj.cycle)
    comment = actions.add_comment(actor_of(owner), objective_id=obj.pk, body="What we learnt")
    assert comment.pk


# ---- visibility ------------------------------------------------------------------------------


def test_a_private_objective_cannot_be_commented_on_or_read_by_a_non_member(
    actor_of, owner, seller, private, client
):
    comment = actions.add_comment(actor_of(owner), objective_id=private.pk, body="Top secret plan")
    with pytest.raises(NotFound):
        actions.add_comment(actor_of(seller), objective_id=private.pk, body="Let me in")
    with pytest.raises(NotFound):
        get_comment(actor_of(seller), comment.pk)
    with pytest.raises(NotFound):
        actions.delete_comment(actor_of(seller), comment.pk)
    client.force_login(seller)
    assert client.get(f"/objectives/{private.pk}/").status_code == 404
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "mine now"})
    assert response.status_code == 404
    assert b"Top secret plan" not in response.content
    assert Comment.objects.get(pk=comment.pk).body == "Top secret plan"


def test_a_comment_from_another_workspace_is_not_found(actor_of, owner, okr, outsider):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="Ours")
    with pytest.raises(NotFound):
        get_comment(actor_for(outsider), comment.pk)


# ---- markdown and mentions -------------------------------------------------------------------


def test_markdown_is_rendered_and_sanitised(actor_of, owner, okr):
    comment = actions.add_comment(
        actor_of(owner),
        objective_id=okr[0].pk,
        body='**Bold** <script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">x</a>',
    )
    html = str(body_html(get_comment(actor_of(owner), comment.pk)))
    assert "<strong>Bold</strong>" in html
    for bad in ("<script", "alert(1)", "onerror", "<img", "javascript:"):
        assert bad not in html


def test_handles_are_found_in_text_but_not_in_emails():
    text = "Thanks @ana. Ask @Budi@Example.com, not bob@example.com; @ana again"
    assert handles_in(text) == ["ana", "budi@example.com"]


def test_a_short_handle_shared_by_two_members_names_nobody_but_the_email_does():
    members = [(1, "ana@a.com"), (2, "ana@b.com"), (3, "budi@a.com")]
    assert resolve(["ana", "budi", "ana@b.com", "nobody"], members) == {"budi": 3, "ana@b.com": 2}


def test_mentions_resolve_to_members_and_unknown_names_stay_plain(
    actor_of, owner, teammate, seller, okr, published
):
    with published.commit():
        comment = actions.add_comment(
            actor_of(owner),
            objective_id=okr[0].pk,
            body="@teammate and @seller@example.com, see this. @nobody? `@teammate in code`",
        )
    assert set(comment.mentions.values_list("pk", flat=True)) == {teammate.pk, seller.pk}
    html = str(body_html(get_comment(actor_of(teammate), comment.pk), teammate.pk))
    assert 'class="mention mention-me"' in html and ">@teammate</a>" in html
    assert f"owner={seller.pk}" in html and ">@seller@example.com</a>" in html
    assert "@nobody?" in html and 'class="mention">@nobody' not in html
    assert "<code>@teammate in code</code>" in html  # code stays code
    [added] = [e for e in published if isinstance(e, events.CommentAdded)]
    assert added.mentioned_user_ids == (teammate.pk, seller.pk)
    assert (added.comment_id, added.objective_id, added.actor_id) == (
        comment.pk,
        okr[0].pk,
        owner.pk,
    )


def test_a_member_who_cannot_see_a_private_objective_is_not_mentioned(
    actor_of, owner, teammate, seller, private, published
):
    with published.commit():
        comment = actions.add_comment(
            actor_of(owner), objective_id=private.pk, body="@teammate @seller look"
        )
    assert list(comment.mentions.values_list("pk", flat=True)) == [teammate.pk]
    assert published[0].mentioned_user_ids == (teammate.pk,)


def test_a_member_of_another_workspace_is_not_mentioned(actor_of, owner, okr, outsider):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="@outsider hi")
    assert not comment.mentions.exists()


def test_mentions_follow_an_edit_and_the_event_names_the_new_ones(
    actor_of, owner, teammate, seller, okr, published
):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="@teammate hi")
    with published.commit():
        actions.edit_comment(actor_of(owner), comment.pk, body="@seller and @teammate hi")
    assert set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True)) == {
        teammate.pk,
        seller.pk,
    }
    edited = published[-1]
    assert isinstance(edited, events.CommentEdited)
    assert edited.newly_mentioned_user_ids == (seller.pk,)


def test_the_comment_event_reads_back_from_the_outbox_form(actor_of, owner, teammate, okr):
    event = events.CommentAdded.by(
        actor_of(owner),
        comment_id=1,
        objective_id=okr[0].pk,
        key_result_id=None,
        mentioned_user_ids=(teammate.pk,),
    )
    assert events.CommentAdded.from_payload(event.to_payload()) == event


# ---- editing and deleting --------------------------------------------------------------------


def test_the_author_edits_their_comment(actor_of, owner, okr):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="Frist")
    edited = actions.edit_comment(actor_of(owner), comment.pk, body="First")
    assert edited.body == "First" and edited.edited_at is not None


def test_nobody_edits_another_members_comment_not_even_an_admin(
    actor_of, owner, teammate, admin, okr
):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="Mine")
    for other in (teammate, admin):
        with pytest.raises(Forbidden):
            actions.edit_comment(actor_of(other), comment.pk, body="Theirs")
    assert Comment.objects.get(pk=comment.pk).body == "Mine"


def test_a_too_long_edit_is_refused_and_the_comment_keeps_its_text(actor_of, owner, okr):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="Short")
    with pytest.raises(Invalid):
        actions.edit_comment(actor_of(owner), comment.pk, body="y" * (MAX_BODY + 1))
    kept = Comment.objects.get(pk=comment.pk)
    assert (kept.body, kept.edited_at) == ("Short", None)


def test_the_author_deletes_their_comment_and_others_cannot(actor_of, owner, teammate, okr):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="Oops")
    with pytest.raises(Forbidden):
        actions.delete_comment(actor_of(teammate), comment.pk)
    actions.delete_comment(actor_of(owner), comment.pk)
    assert not Comment.objects.exists()


def test_an_admin_deletes_any_comment_and_the_audit_says_whose(
    actor_of, owner, admin, okr, published
):
    comment = actions.add_comment(actor_of(owner), key_result_id=okr[1].pk, body="Rude words")
    with published.commit():
        actions.delete_comment(actor_of(admin), comment.pk)
    assert not Comment.objects.exists()
    entry = AuditEntry.objects.get(object_type="comment", action="delete")
    assert entry.actor_id == admin.pk and entry.objective_id == okr[0].pk
    assert entry.before == {"key_result_id": okr[1].pk, "author_id": owner.pk}
    deleted = published[-1]
    assert isinstance(deleted, events.CommentDeleted) and deleted.author_id == owner.pk


def test_the_audit_records_each_change_but_never_the_text(actor_of, owner, teammate, okr):
    comment = actions.add_comment(actor_of(owner), objective_id=okr[0].pk, body="Secret @teammate")
    actions.edit_comment(actor_of(owner), comment.pk, body="Still secret")
    actions.delete_comment(actor_of(owner), comment.pk)
    entries = AuditEntry.objects.filter(object_type="comment", object_id=comment.pk).order_by("id")
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].after == {
        "key_result_id": None,
        "author_id": owner.pk,
        "mentioned_ids": [teammate.pk],
    }
    assert entries[1].after["mentioned_ids"] == []
    assert all(e.objective_id == okr[0].pk and e.actor_id == owner.pk for e in entries)
    assert "secret" not in str([(e.before, e.after, e.object_repr) for e in entries]).lower()


# ---- the objective page ----------------------------------------------------------------------


def _feed(html: str) -> str:
    return html.split('id="checkin-feed"')[1].split("</section>")[0]


def test_the_feed_interleaves_comments_and_check_ins_by_time(client, actor_of, owner, okr):
    obj, kr = okr
    me = actor_of(owner)
    actions.create_checkin(me, kr.pk, value=25.0, confidence=4, wins="First check-in")
    actions.add_comment(me, key_result_id=kr.pk, body="A comment in between")
    actions.create_checkin(me, kr.pk, value=30.0, confidence=4, wins="Second check-in")
    client.force_login(owner)
    feed = _feed(client.get(f"/objectives/{obj.pk}/").content.decode())
    order = [feed.index(t) for t in ("Second check-in", "A comment in between", "First check-in")]
    assert order == sorted(order)
    assert "On the key result" in feed and f'href="#kr-{kr.pk}"' in feed


def test_a_comment_posted_with_htmx_comes_back_in_the_feed_with_the_history(
    client, owner, teammate, okr
):
    obj, _ = okr
    client.force_login(owner)
    response = client.post(
        f"/objectives/{obj.pk}/comments/", {"body": "Ping @teammate **now**"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    feed = _feed(html)
    assert "Comment posted." in feed and "<strong>now</strong>" in feed
    assert f"owner={teammate.pk}" in feed
    assert 'id="history" class="history" aria-labelledby="history-heading" hx-swap-oob' in html
    assert "commented on “Make onboarding effortless”" in html


def test_a_refused_comment_comes_back_with_the_text_and_the_reason(client, owner, okr):
    obj, kr = okr
    client.force_login(owner)
    long = "z" * (MAX_BODY + 5)
    response = client.post(f"/key-results/{kr.pk}/comments/", {"body": long}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.startswith(f'<div id="kr-{kr.pk}-comment"')
    assert long in html and "at most 10,000 characters" in html
    assert not Comment.objects.exists()


def test_a_key_result_comment_answers_with_its_block_and_the_feed_out_of_band(client, owner, okr):
    obj, kr = okr
    client.force_login(owner)
    response = client.post(f"/key-results/{kr.pk}/comments/", {"body": "On it"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Comment posted." in html.split("</div>")[0]
    assert '<section id="checkin-feed" class="feed" aria-labelledby="feed-heading" hx-swap-oob' in (
        html
    )
    assert "On it" in _feed(html)


def test_a_plain_post_goes_back_to_the_objective_page(client, owner, okr):
    obj, _ = okr
    client.force_login(owner)
    response = client.post(f"/objectives/{obj.pk}/comments/", {"body": "No script here"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{obj.pk}/#comment-{comment.pk}"


def test_only_the_author_sees_edit_and_an_admin_sees_delete(
    client, actor_of, owner, teammate, admin, viewer, okr
):
    obj, _ = okr
    comment = actions.add_comment(actor_of(owner), objective_id=obj.pk, body="Hello")
    edit, delete = f"/comments/{comment.pk}/edit/", f"/comments/{comment.pk}/delete/"
    for user, sees_edit, sees_delete in (
        (owner, True, True),
        (teammate, False, False),
        (admin, False, True),
        (viewer, False, False),
    ):
        client.force_login(user)
        html = client.get(f"/objectives/{obj.pk}/").content.decode()
        assert (edit in html, delete in html) == (sees_edit, sees_delete), user
        # A viewer gets no comment forms at all.
        assert ("Post comment" in html) == (user != viewer)


def test_editing_and_deleting_through_the_page(client, actor_of, owner, teammate, okr):
    obj, _ = okr
    comment = actions.add_comment(actor_of(owner), objective_id=obj.pk, body="Helo")
    client.force_login(teammate)
    refused = client.post(f"/comments/{comment.pk}/edit/", {"body": "Hijack"}, **HTMX)
    assert refused.status_code == 403 and "Only its author" in refused.content.decode()
    client.force_login(owner)
    saved = client.post(f"/comments/{comment.pk}/edit/", {"body": "Hello"}, **HTMX)
    assert saved.status_code == 200 and "Comment saved." in saved.content.decode()
    assert Comment.objects.get().body == "Hello"
    gone = client.post(f"/comments/{comment.pk}/delete/", **HTMX)
    assert gone.status_code == 200 and "Comment deleted." in gone.content.decode()
    assert "Hello" not in _feed(gone.content.decode())
    assert not Comment.objects.exists()


def test_the_page_query_count_does_not_grow_with_comments(
    client, actor_of, owner, teammate, seller, okr, no_kept_answers
):
    obj, kr = okr
    counts = []
    for n in (1, 8):
        while Comment.objects.count() < n:
            actions.add_comment(
                actor_of(owner),
                key_result_id=kr.pk,
                body=f"**{n}** @teammate @seller",
            )
            actions.add_comment(actor_of(teammate), objective_id=obj.pk, body="ok @owner")
        client.force_login(owner)
        client.get(f"/objectives/{obj.pk}/")  # the process now keeps this reader's actor
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/objectives/{obj.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_mention_suggestions_offer_the_people_around_the_objective(
    client, actor_of, owner, teammate, seller, private, workspace
):
    key_result(actor_of(owner), private, title="Term sheets", owner_id=teammate.pk)
    # Another member shares the teammate's short handle: the suggestion is the whole email.
    _member(workspace, "teammate@other.example", "member", "Tia Other")
    client.force_login(owner)
    html = client.get(f"/objectives/{private.pk}/").content.decode()
    # The page names where the list comes from; mentions.js fetches it on the first focus.
    src = f"/objectives/{private.pk}/mention-people/"
    assert f'<datalist id="mention-people" data-src="{src}"></datalist>' in html
    assert 'data-mentions="mention-people"' in html
    people = client.get(src).content.decode()
    assert '<option value="owner" label="Olga Owner">' in people
    assert '<option value="teammate@example.com" label="Tomi Teammate">' in people
    assert "seller" not in people  # cannot see the private objective
    client.force_login(seller)
    assert client.get(f"/objectives/{private.pk}/").status_code == 404
    assert client.get(src).status_code == 404
