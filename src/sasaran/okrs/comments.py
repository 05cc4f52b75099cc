"""Comments as a reader sees them: the visible ones, their mentions resolved to members who can
see the objective, and their text rendered (sanitised markdown, mentions marked). The writes
are in okrs.actions.comments."""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sasaran.accounts.models import Membership, Team, TeamMember
from sasaran.accounts.queries import Actor
from sasaran.errors import NotFound
from sasaran.okrs import mentions
from sasaran.okrs.models import Comment, KeyResult, Mention, Objective, Visibility
from sasaran.okrs.permissions import can_see, visibility_q
from sasaran.richtext import render_markdown

MAX_BODY = 10_000


def visible_comments(actor: Actor) -> QuerySet[Comment]:
    """Comments on objectives the actor may see (and on their key results), with what a row
    shows: author, key result, objective and mentions, in two queries for any number."""
    return (
        Comment.objects.filter(visibility_q(actor, "objective__"))
        .select_related("author", "key_result", "objective")
        .prefetch_related(
            Prefetch("mention_rows", queryset=Mention.objects.select_related("user").order_by("id"))
        )
    )


def get_comment(actor: Actor, comment_id: int) -> Comment:
    comment = visible_comments(actor).filter(pk=comment_id).first()
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


# ---- mentions --------------------------------------------------------------------------------


def mentionable(objective: Objective, handles: list[str]) -> dict[str, int]:
    """{handle: user id} for the handles that name a member of the objective's workspace who
    may see the objective; the rest stay plain text (a private objective's comment cannot
    summon someone who may not read it). A fixed number of queries, whatever the count."""
    if not handles:
        return {}
    match = Q()
    for handle in handles:
        match |= Q(user__email__iexact=handle) | Q(user__email__istartswith=handle + "@")
    candidates = list(
        Membership.objects.filter(match, workspace_id=objective.workspace_id).select_related("user")
    )
    # `istartswith("ana@")` finds every member whose short handle is "ana": when two share it,
    # resolve() sees both and lets the short handle name nobody.
    members = {m.user_id: m.user.email for m in candidates}
    found = mentions.resolve(handles, members.items())
    by_user = {m.user_id: m for m in candidates}
    readers = _who_can_see(objective, [by_user[u] for u in set(found.values()) if u in by_user])
    return {handle: user_id for handle, user_id in found.items() if user_id in readers}


def _who_can_see(objective: Objective, memberships: list[Membership]) -> set[int]:
    """The users among `memberships` who may see `objective`, by okrs.permissions.can_see on an
    actor built for each, with what the rule reads looked up once for all of them."""
    if not memberships:
        return set()
    ids = [m.user_id for m in memberships]
    teams: dict[int, set[int]] = {}
    if objective.visibility != Visibility.WORKSPACE:
        for user_id, team_id in TeamMember.objects.filter(
            user_id__in=ids, team__workspace_id=objective.workspace_id
        ).values_list("user_id", "team_id"):
            teams.setdefault(user_id, set()).add(team_id)
    parents = None
    if objective.visibility == Visibility.TEAM:
        parents = dict(
            Team.objects.filter(workspace_id=objective.workspace_id).values_list("id", "parent_id")
        )
    owners = set(
        KeyResult.objects.filter(objective=objective, owner_id__in=ids).values_list(
            "owner_id", flat=True
        )
        if objective.visibility != Visibility.WORKSPACE
        else []
    )
    readers = set()
    for membership in memberships:
        actor = Actor(
            user=membership.user,
            membership=membership,
            team_ids=frozenset(teams.get(membership.user_id, ())),
            memo={
                "okrs.kr_objectives": frozenset(
                    {objective.pk} if membership.user_id in owners else ()
                )
            },
        )
        if parents is not None:
            actor.__dict__["team_parents"] = parents  # the cached_property, read once for all
        if can_see(actor, objective):
            readers.add(membership.user_id)
    return readers


def people_to_mention(objective: Objective, extra_ids: set[int]) -> list[tuple[str, str]]:
    """(handle, name) of the people around an objective, for the comment field's suggestions:
    its owner, its team's members and `extra_ids` (its key results' owners, commenters), as
    far as they may see it. Anyone else can still be mentioned by typing the handle. The short
    handle when no other member of the workspace shares it, else the whole email."""
    ids = {objective.owner_id, *extra_ids} - {None}
    match = Q(user_id__in=ids)
    if objective.team_id is not None:
        match |= Q(user__team_members__team_id=objective.team_id)
    memberships = list(
        Membership.objects.filter(match, workspace_id=objective.workspace_id)
        .select_related("user")
        .distinct()
    )
    readers = _who_can_see(objective, memberships)
    memberships = [m for m in memberships if m.user_id in readers]
    if not memberships:
        return []
    shorts = {mentions.short_handle(m.user.email) for m in memberships}
    shared = Q()
    for short in shorts:
        shared |= Q(user__email__istartswith=short + "@")
    taken: dict[str, int] = {}
    for email in Membership.objects.filter(shared, workspace_id=objective.workspace_id).values_list(
        "user__email", flat=True
    ):
        taken[mentions.short_handle(email)] = taken.get(mentions.short_handle(email), 0) + 1
    out = []
    for m in sorted(memberships, key=lambda m: m.user.display_name.lower()):
        short = mentions.short_handle(m.user.email)
        out.append((short if taken.get(short) == 1 else m.user.email.lower(), m.user.display_name))
    return out


# ---- rendering -------------------------------------------------------------------------------


def mentioned_users(comment: Comment) -> list:
    """The members a comment mentions, once each, in the order written."""
    seen: dict[int, Any] = {}
    for row in comment.mention_rows.all():
        seen.setdefault(row.user_id, row.user)
    return list(seen.values())


def body_html(comment: Comment, reader_id: int | None = None) -> SafeString:
    """The comment's markdown through the shared allow-list, then each resolved mention as a
    link to the person's key results in the objective's cycle (marked when it names the
    reader). Unresolved @names stay the text they were."""
    rows = list(comment.mention_rows.all())
    handles = {row.handle: row.user_id for row in rows}
    users = {row.user_id: row.user for row in rows}
    base = reverse("okrs")
    cycle_id = comment.objective.cycle_id

    def link(user_id: int, written: str) -> str:
        return format_html(
            '<a class="mention{}" href="{}?cycle={}&amp;owner={}" title="{}">{}</a>',
            " mention-me" if user_id == reader_id else "",
            base,
            cycle_id,
            user_id,
            users[user_id].display_name,
            written,
        )

    return mark_safe(mentions.link_mentions(render_markdown(comment.body), handles, link))


def comment_row(comment: Comment) -> dict[str, Any]:
    """A comment as the API shows it."""
    author = comment.author
    return {
        "id": comment.pk,
        "objective_id": comment.objective_id,
        "key_result_id": comment.key_result_id,
        "body": comment.body,
        "body_html": str(body_html(comment)),
        "author": {"id": author.pk, "name": author.display_name} if author else None,
        "mentions": [{"id": u.pk, "name": u.display_name} for u in mentioned_users(comment)],
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
    }
