"""Password reset by email, through a real SMTP server (aiosmtpd on 127.0.0.1)."""

import pytest

from tests.accounts.smtp_server import running_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    yield from running_smtp(settings)


SITE = "https://okr.example.com"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE


def _ask_reset(client, address, capture):
    with capture(execute=True):
        return client.post("/password-reset/", {"email": address})


def test_the_link_arrives_by_smtp_and_sets_a_new_password(
    client,
    owner,
    smtp,
    site,
    django_capture_on_commit_callbacks,
):
    response = _ask_reset(client, "owner@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/sent/"
    assert "Check your email" in client.get(response["Location"]).content.decode()

    (message,) = smtp.messages
    assert message["To"] == "owner@example.com"
    assert message["Subject"] == "Reset your Sasaran password"
    (link,) = smtp.links(message)
    assert link.startswith(f"{SITE}/password-reset/")

    form = client.get(smtp.path_of_link(message), follow=True)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="new_password1"' in html and "csrfmiddlewaretoken" in html
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh long secret 42", "new_password2": "a fresh long secret 42"},
    )
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"

    owner.refresh_from_db()
    assert owner.check_password("a fresh long secret 42")
    # Once used, the link no longer works.
    again = client.get(smtp.path_of_link(message), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_mismatched_passwords_are_refused_next_to_the_field(
    client,
    owner,
    smtp,
    site,
    django_capture_on_commit_callbacks,
):
    _ask_reset(client, "owner@example.com", django_capture_on_commit_callbacks)
    form = client.get(smtp.path_of_link(smtp.messages[0]), follow=True)
    page = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh long secret 42", "new_password2": "something else 42"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_new_password2_error"' in html
    assert 'aria-invalid="true"' in html
    owner.refresh_from_db()
    assert owner.check_password("correct horse battery")


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client,
    owner,
    smtp,
    django_capture_on_commit_callbacks,
):
    response = _ask_reset(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert smtp.messages == []


def test_without_site_url_the_link_uses_the_requested_host(
    client,
    owner,
    smtp,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = ""
    _ask_reset(client, "owner@example.com", django_capture_on_commit_callbacks)
    (link,) = smtp.links(smtp.messages[0])
    assert link.startswith("http://testserver/password-reset/")


def test_sign_in_page_links_to_the_reset_and_offers_languages(client):
    html = client.get("/login/").content.decode()
    assert 'href="/password-reset/"' in html
    assert 'action="/i18n/setlang/"' in html


def test_the_reset_pages_follow_the_chosen_language(client):
    client.post("/i18n/setlang/", {"language": "id", "next": "/password-reset/"})
    page = client.get("/password-reset/")
    assert '<html lang="id">' in page.content.decode()
    assert page.wsgi_request.LANGUAGE_CODE == "id"
