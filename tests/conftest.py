"""One base fixture set for every test: a workspace with an admin, a team owner, a teammate,
a viewer, a member of another team (seller) and an outsider (a user of another workspace), a
team tree and an active cycle. The clock is whatever the test sets (time-machine) or now."""

import datetime as dt
import os

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone, translation

from sasaran.accounts.actions import create_token
from sasaran.accounts.models import Membership, Role, Team, TeamMember, User, Workspace
from sasaran.accounts.queries import actor_for
from sasaran.okrs.models import Cycle, CycleState

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Real hashing costs ~0.3 s per user; the tests are about OKRs, not about PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request in Indonesian activates it for the
    thread (LocaleMiddleware), and code outside a request would then speak it in the next test."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def database_cache(settings):
    """Rate-limit counters live in the database cache, inside each test's transaction: every test
    starts with none, even when REDIS_URL is set in the environment (tests of the Redis cache
    name it themselves)."""
    settings.CACHES = {
        "default": {"BACKEND": "sasaran.dbcache.DatabaseCache", "LOCATION": settings.CACHE_TABLE}
    }


@pytest.fixture(autouse=True)
def change_stamps_at_once(monkeypatch):
    """A test's transaction never commits, so the workspaces' change stamps move at once (in
    the test's transaction), and no test inherits the actors a process kept for an earlier
    one (ids are reused once a test's rows are rolled back)."""
    from sasaran import changes
    from sasaran.accounts import queries

    monkeypatch.setattr(changes, "AT_COMMIT", False)
    queries._ACTORS.clear()
    queries._FIRST_WORKSPACE.clear()


@pytest.fixture
def no_kept_answers(settings):
    """For tests that count a page's queries: every request renders afresh (the answers kept
    per reader are tested in tests/web/test_response_cache.py)."""
    settings.RESPONSE_CACHE = False


@pytest.fixture
def workspace(db):
    return Workspace.objects.create(name="Acme", slug="acme", time_zone="UTC")


def _member(workspace, email, role, name="", teams=()):
    user = User.objects.create_user(
        email, "correct horse battery", name=name or email.split("@")[0]
    )
    Membership.objects.create(workspace=workspace, user=user, role=role)
    for team in teams:
        TeamMember.objects.create(team=team, user=user)
    return user


@pytest.fixture
def company(workspace):
    return Team.objects.create(workspace=workspace, name="Company")


@pytest.fixture
def product(workspace, company):
    return Team.objects.create(workspace=workspace, name="Product", parent=company)


@pytest.fixture
def growth(workspace, product):
    """A team beneath Product (three levels deep)."""
    return Team.objects.create(workspace=workspace, name="Growth", parent=product)


@pytest.fixture
def sales(workspace, company):
    return Team.objects.create(workspace=workspace, name="Sales", parent=company)


@pytest.fixture
def admin(workspace):
    return _member(workspace, "admin@example.com", Role.ADMIN, "Ada Admin")


@pytest.fixture
def owner(workspace, product):
    """A member of the Product team who owns its OKRs."""
    return _member(workspace, "owner@example.com", Role.MEMBER, "Olga Owner", [product])


@pytest.fixture
def teammate(workspace, product):
    return _member(workspace, "teammate@example.com", Role.MEMBER, "Tomi Teammate", [product])


@pytest.fixture
def seller(workspace, sales):
    """A member of another team (Sales)."""
    return _member(workspace, "seller@example.com", Role.MEMBER, "Sari Seller", [sales])


@pytest.fixture
def viewer(workspace, product):
    return _member(workspace, "viewer@example.com", Role.VIEWER, "Vera Viewer", [product])


@pytest.fixture
def outsider(db):
    """Somebody with an account in another workspace only."""
    other = Workspace.objects.create(name="Other", slug="other")
    return _member(other, "outsider@example.com", Role.ADMIN, "Otto Outsider")


@pytest.fixture
def cycle(workspace):
    today = timezone.now().date()
    return Cycle.objects.create(
        workspace=workspace,
        name="Current quarter",
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60),
        state=CycleState.ACTIVE,
    )


@pytest.fixture
def actor_of(workspace):
    def make(user):
        return actor_for(user, workspace)

    return make


@pytest.fixture
def api_client():
    """A client whose requests carry a bearer token for the given user."""

    def make(user):
        _, raw = create_token(actor_for(user))
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def keep_test_connection():
    """Django closes "old" connections when a request ends. Inside a test's transaction that
    closes the test's own connection on PostgreSQL. The test client unhooks this for ordinary
    responses, but not for streamed ones (whitenoise's files) nor for raw WSGI calls."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
