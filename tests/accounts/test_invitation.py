"""Inviting a new member by email, through a real SMTP server (aiosmtpd on 127.0.0.1)."""

import pytest

from sasaran.accounts.models import Membership, Role, TeamMember, User
from tests.accounts.smtp_server import running_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    yield from running_smtp(settings)


@pytest.fixture
def invite(client, admin, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://okr.example.com"
    client.force_login(admin)

    def send(**data):
        data = {"email": "new@example.com", "name": "Nina New", "role": "member", **data}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/settings/members/invite/", data)

    return send


def test_invitation_email_lets_the_new_member_set_a_password_and_signs_them_in(
    client,
    invite,
    smtp,
    product,
    sales,
):
    page = invite(role="viewer", teams=[str(product.pk), str(sales.pk)])
    assert page.status_code == 200
    assert "new@example.com" in page.content.decode()

    user = User.objects.get(email="new@example.com")
    assert user.name == "Nina New"
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Role.VIEWER
    assert set(TeamMember.objects.filter(user=user).values_list("team_id", flat=True)) == {
        product.pk,
        sales.pk,
    }

    (message,) = smtp.messages
    assert message["To"] == "new@example.com"
    assert "Ada Admin invited you to Acme" in message["Subject"]
    (link,) = smtp.links(message)
    assert link.startswith("https://okr.example.com/invitation/")

    client.logout()
    path = smtp.path_of_link(message)
    form = client.get(path)
    assert form.status_code == 200
    assert 'name="new_password1"' in form.content.decode()
    joined = client.post(
        path, {"new_password1": "my own long secret 7", "new_password2": "my own long secret 7"}
    )
    assert joined.status_code == 302 and joined["Location"] == "/"
    assert client.get("/").wsgi_request.user == user
    user.refresh_from_db()
    assert user.check_password("my own long secret 7")

    # One time only.
    client.logout()
    assert client.get(path).status_code == 400


def test_an_invalid_form_keeps_what_was_typed_and_sends_nothing(invite, smtp, owner):
    page = invite(email="owner@example.com", name="Typed Name")
    assert page.status_code == 409
    html = page.content.decode()
    assert 'id="id_email_error"' in html and "already a member" in html
    assert 'value="Typed Name"' in html
    assert smtp.messages == []

    page = invite(email="not-an-address")
    assert page.status_code == 422
    assert 'id="id_email_error"' in page.content.decode()
    assert smtp.messages == []


def test_a_refused_invitation_rolls_back_and_sends_nothing(invite, smtp, outsider):
    foreign_team = outsider.teams.model.objects.create(
        workspace=outsider.memberships.get().workspace, name="Theirs"
    )
    page = invite(teams=[str(foreign_team.pk)])
    assert page.status_code == 422  # not a team of this workspace
    assert not User.objects.filter(email="new@example.com").exists()
    assert smtp.messages == []


def test_someone_with_an_account_is_told_to_sign_in(invite, smtp, outsider):
    invite(email="outsider@example.com")
    (message,) = smtp.messages
    assert smtp.links(message) == ["https://okr.example.com/login/"]


def test_an_invitation_link_is_not_a_password_reset_link(
    client,
    invite,
    smtp,
):
    invite()
    path = smtp.path_of_link(smtp.messages[0])
    uid, token = path.strip("/").split("/")[1:3]
    client.logout()
    page = client.get(f"/password-reset/{uid}/{token}/", follow=True)
    assert "This link no longer works" in page.content.decode()


def test_admin_can_resend_a_pending_invitation(
    client,
    invite,
    smtp,
    django_capture_on_commit_callbacks,
):
    invite()
    user = User.objects.get(email="new@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/settings/members/{user.pk}/resend/")
    assert page.status_code == 200
    assert len(smtp.messages) == 2


def test_members_cannot_invite(client, owner, smtp, django_capture_on_commit_callbacks):
    client.force_login(owner)
    assert client.get("/settings/members/invite/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/settings/members/invite/", {"email": "new@example.com", "role": "member"}
        )
    assert page.status_code == 403
    assert not User.objects.filter(email="new@example.com").exists()
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_failed_invitation_email_is_said_and_the_link_shown(client, admin, settings):
    """Nothing listens on the SMTP port: the member is added, the page says the email failed
    and shows the link to pass on. (Transactional: the email goes out on commit.)"""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port
    client.force_login(admin)
    page = client.post(
        "/settings/members/invite/",
        {"email": "nia@example.com", "name": "Nia", "role": "member"},
    )
    html = page.content.decode()
    assert "email not sent" in html
    assert 'readonly value="http' in html
    from sasaran.accounts.models import Membership

    assert Membership.objects.filter(user__email="nia@example.com").exists()
