"""The profile page: name, language, time zone and notification choices."""

import pytest

pytestmark = pytest.mark.django_db


def _lang(page) -> str:
    return page.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_profile_saves_name_zone_and_notifications(client, owner):
    client.force_login(owner)
    page = client.get("/profile/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("name", "language", "time_zone", "notify_email_reminders", "notify_email_digest"):
        assert f'<label for="id_{name}">' in html
    response = client.post(
        "/profile/",
        {
            "name": "Olga O.",
            "language": "en",
            "time_zone": "Asia/Jakarta",
            "notify_email_digest": "on",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.name, owner.time_zone) == ("Olga O.", "Asia/Jakarta")
    assert (owner.notify_email_reminders, owner.notify_email_digest) == (False, True)
    assert "Your profile was saved." in client.get(response["Location"]).content.decode()


def test_a_bad_time_zone_is_refused_next_to_the_field_keeping_the_input(client, owner):
    client.force_login(owner)
    page = client.post(
        "/profile/", {"name": "Typed name", "language": "en", "time_zone": "Mars/Olympus"}
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'id="id_time_zone_error"' in html
    assert 'value="Typed name"' in html
    owner.refresh_from_db()
    assert owner.name == "Olga Owner"


def test_switching_to_indonesian_changes_the_next_page_at_once(client, owner):
    client.force_login(owner)
    assert _lang(client.get("/profile/")) == "en"
    response = client.post("/profile/", {"name": "Olga", "language": "id", "time_zone": ""})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.language == "id"
    page = client.get("/")
    assert _lang(page) == "id"
    assert page.wsgi_request.LANGUAGE_CODE == "id"
    assert page["Content-Language"] == "id"


def test_the_users_language_beats_the_browsers(client, owner):
    owner.language = "id"
    owner.save()
    client.force_login(owner)
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert _lang(page) == "id"


def test_signed_out_pages_switch_language_with_set_language(client):
    assert _lang(client.get("/login/", HTTP_ACCEPT_LANGUAGE="en")) == "en"
    response = client.post("/i18n/setlang/", {"language": "id", "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/login/")
    assert _lang(page) == "id"
    assert page.wsgi_request.LANGUAGE_CODE == "id"


def test_profile_requires_sign_in(client):
    assert client.get("/profile/").status_code == 302


def test_time_zones_offered_are_the_canonical_ones_plus_an_alias_in_use():
    from sasaran.accounts.views.people import time_zone_choices

    zones = [z for z, _ in time_zone_choices()]
    assert "Asia/Jakarta" in zones and "UTC" in zones
    assert "US/Pacific" not in zones and "Etc/GMT+7" not in zones
    assert 350 < len(zones) < 500  # not the ~600 names of the whole database
    assert "US/Pacific" in [z for z, _ in time_zone_choices("US/Pacific")]
