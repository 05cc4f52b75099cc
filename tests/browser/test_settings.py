"""In the browser: an admin changes a role; a viewer sees no admin controls; the profile
switches the interface to Bahasa Indonesia at once."""

import pytest
from playwright.sync_api import expect

from sasaran.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_changes_a_members_role(signed_in, live_server, admin, owner):
    page = signed_in("admin@example.com")
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(f"{live_server.url}/settings/")
    page.get_by_label("Role of Olga Owner").select_option("viewer")
    page.locator(f"#member-{owner.pk}").get_by_role("button", name="Save role").click()
    expect(page.get_by_role("status")).to_have_text("The role of Olga Owner is now Viewer.")
    expect(page.get_by_label("Role of Olga Owner")).to_have_value("viewer")
    assert Membership.objects.get(user=owner).role == Role.VIEWER


def test_a_viewer_sees_no_edit_controls(signed_in, live_server, viewer, admin):
    page = signed_in("viewer@example.com")
    page.goto(f"{live_server.url}/settings/")
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    expect(page.get_by_role("link", name="Members")).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_role("link", name="Invite a member")).to_have_count(0)


def test_switching_to_bahasa_indonesia_applies_at_once(signed_in, live_server, owner):
    page = signed_in("owner@example.com")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server.url}/profile/")
    page.get_by_label("Language").select_option("id")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(f"{live_server.url}/profile/?saved=1")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    # The pages are translated, not only labelled: the navigation and the Home headings.
    nav = page.get_by_role("navigation", name="Utama")
    for english, indonesian in (
        ("Home", "Beranda"),
        ("Cycles", "Siklus"),
        ("Settings", "Pengaturan"),
    ):
        expect(nav.get_by_role("link", name=indonesian), indonesian).to_be_visible()
        expect(nav.get_by_role("link", name=english, exact=True), english).to_have_count(0)
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    for path in ("/okrs/", "/alignment/", "/cycles/", "/settings/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.get_by_role("button", name="Keluar"), path).to_be_visible()
