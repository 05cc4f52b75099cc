"""Links and redirects are built from URL names ({% url %}, reverse()), never typed as paths, and
every page URL keeps its path and name wherever its view lives."""

import re
from pathlib import Path

import pytest
from django.urls import resolve, reverse

import sasaran

SOURCE = Path(sasaran.__file__).parent

# A link, form target or htmx request to a path typed into a template (static files aside).
TYPED_IN_TEMPLATE = re.compile(r"""\b(?:href|action|src|hx-(?:get|post))\s*=\s*["']/""")
# A redirect or a link to a page path typed into Python.
TYPED_IN_PYTHON = re.compile(
    r"""(?:redirect|HttpResponseRedirect)\(\s*f?["']/|href=\\?["']/|href="/|f["']/(?:objectives|key-results|cycles|okrs|settings|profile)/"""
)


def _files(pattern: str):
    return [p for p in SOURCE.rglob(pattern) if ".venv" not in p.parts]


def test_templates_name_their_links_instead_of_typing_paths():
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in _files("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TYPED_IN_TEMPLATE.search(line)
    ]
    assert found == []


def test_python_names_its_redirects_and_links_instead_of_typing_paths():
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in _files("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TYPED_IN_PYTHON.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("home", [], "/"),
        ("login", [], "/login/"),
        ("logout", [], "/logout/"),
        ("healthz", [], "/healthz"),
        ("okrs", [], "/okrs/"),
        ("alignment", [], "/alignment/"),
        ("objective", [7], "/objectives/7/"),
        ("kr_checkin", [7], "/key-results/7/check-in/"),
        ("kr_status", [7], "/key-results/7/status/"),
        ("objective-new", [], "/objectives/new/"),
        ("objective-templates", [], "/objectives/templates/"),
        ("objective-parent-options", [], "/objectives/parent-options/"),
        ("objective-edit", [7], "/objectives/7/edit/"),
        ("objective-delete", [7], "/objectives/7/delete/"),
        ("key-result-new", [7], "/objectives/7/key-results/new/"),
        ("key-result-edit", [7], "/key-results/7/edit/"),
        ("key-result-delete", [7], "/key-results/7/delete/"),
        ("cycles", [], "/cycles/"),
        ("cycle-new", [], "/cycles/new/"),
        ("cycle-activate", [7], "/cycles/7/activate/"),
        ("cycle-close", [7], "/cycles/7/close/"),
        ("cycle-celebrate", [7], "/cycles/7/celebrate/"),
        ("cycle-carry-over", [7], "/cycles/7/carry-over/"),
        ("settings", [], "/settings/"),
        ("settings_invite", [], "/settings/members/invite/"),
        ("settings_member", [7], "/settings/members/7/"),
        ("settings_remove_member", [7], "/settings/members/7/remove/"),
        ("settings_resend_invitation", [7], "/settings/members/7/resend/"),
        ("settings_teams", [], "/settings/teams/"),
        ("settings_team", [7], "/settings/teams/7/"),
        ("settings_workspace", [], "/settings/workspace/"),
        ("settings_tokens", [], "/settings/tokens/"),
        ("settings_revoke_token", [7], "/settings/tokens/7/revoke/"),
        ("profile", [], "/profile/"),
        ("password_reset", [], "/password-reset/"),
        ("password_reset_done", [], "/password-reset/sent/"),
        ("password_reset_confirm", ["MQ", "abc-123"], "/password-reset/MQ/abc-123/"),
        ("password_reset_complete", [], "/password-reset/done/"),
        ("accept_invitation", ["MQ", "abc-123"], "/invitation/MQ/abc-123/"),
    ],
)
def test_every_page_keeps_its_path_and_name(name, args, path):
    assert reverse(name, args=args) == path
    assert resolve(path).url_name == name


def test_navigation_marks_the_section_of_the_page(client, owner, cycle):
    client.force_login(owner)

    def current(path: str) -> list[str]:
        html = client.get(path).content.decode()
        nav = html[html.index('class="main-nav"') :]
        nav = nav[: nav.index("</nav>")]
        return re.findall(r'<a href="([^"]*)" aria-current="page">', nav)

    assert current("/") == ["/"]
    assert current("/okrs/?view=list") == ["/okrs/"]
    assert current(f"/cycles/{cycle.pk}/celebrate/") == ["/cycles/"]
    assert current("/settings/tokens/") == ["/settings/"]
    assert current("/profile/") == []


def test_a_cycle_on_the_cycles_page_links_to_its_okrs(client, owner, cycle):
    client.force_login(owner)
    html = client.get("/cycles/").content.decode()
    assert f'href="/okrs/?cycle={cycle.pk}">{cycle.name}</a>' in html
