"""Page weight (issue 3): a first load stays under 200 KB of HTML, CSS and JavaScript (fonts and
images excluded), and later navigation, with the CSS and JavaScript cached, weighs less.

Sizes are uncompressed bytes, the strict reading; the gzip size the browser would download is
printed beside them (`pytest -s` shows the table).
"""

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from sasaran.okrs import actions
from tests.okrs.helpers import key_result, objective

FIRST_LOAD_LIMIT = 200 * 1024
PAGES = ["/", "/okrs/", "/objectives/{obj}/", "/cycles/", "/settings/"]


class _Assets(HTMLParser):
    """Every <script src> and <link rel=stylesheet href> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split():
            if a.get("href"):
                self.urls.append(a["href"])


def assets_of(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls))  # a file referenced twice is fetched once


def fetch_asset(url: str) -> bytes:
    """The asset's bytes, read where whitenoise serves them from (the static finders).

    Not through the test client: its streamed file responses re-attach Django's
    close-old-connections hook, which closes the test's own connection on PostgreSQL."""
    path = urlsplit(url).path
    assert path.startswith(settings.STATIC_URL), f"{url}: not a static file"
    found = finders.find(path[len(settings.STATIC_URL) :])
    assert found, f"{url}: not found by the static finders"
    with open(found, "rb") as f:
        return f.read()


@pytest.fixture
def small_org(actor_of, admin, owner, teammate, cycle, company, product, growth):
    """A few objectives across the team tree, each with key results and a couple of check-ins."""
    top = objective(actor_of(admin), cycle, company, title="Win the SME market")
    made = [(admin, top)]
    for who, team, title in (
        (owner, product, "Make onboarding effortless"),
        (admin, growth, "Grow activation"),
    ):
        made.append((who, objective(actor_of(who), cycle, team, title=title, parent_id=top.pk)))
    made.append((owner, objective(actor_of(owner), cycle, None, title="Write better specs")))
    for i, (who, obj) in enumerate(made):
        for j in range(3):
            kr = key_result(
                actor_of(who),
                obj,
                title=f"Key result {j + 1} of {obj.title}",
                start_value=10.0 * j,
                target_value=10.0 * j + 40,
            )
            for step in (1, 2):
                actions.create_checkin(
                    actor_of(who),
                    kr.pk,
                    value=10.0 * j + 8 * step + i,
                    confidence=3 + (step + j) % 3,
                    progress_note=f"Week {step}: steady progress",
                )
    return made[1][1]


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_first_load_under_200_kb_and_later_navigation_lighter(
    client, small_org, owner, admin, who, capsys
):
    client.force_login({"owner": owner, "admin": admin}[who])
    rows = []
    for template in PAGES:
        url = template.format(obj=small_org.pk)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content
        assets = assets_of(html.decode())
        assert assets, f"{url}: expected the page to load its CSS and JavaScript"
        assert [a for a in assets if "//" in a] == [], f"{url}: an asset from another origin"
        bodies = {a: fetch_asset(a) for a in assets}
        first = len(html) + sum(len(b) for b in bodies.values())
        first_gz = len(gzip.compress(html)) + sum(len(gzip.compress(b)) for b in bodies.values())
        later = len(html)  # CSS and JS come from the cache
        rows.append((url, len(html), bodies, first, first_gz, later))
        assert first < FIRST_LOAD_LIMIT, f"{url}: first load {first:,} bytes"
        assert later < first, f"{url}: later navigation is not lighter than the first load"

    with capsys.disabled():
        print(f"\npage weight, signed in as {who} (bytes; gzip in brackets)")
        print(f"  {'page':<22}{'HTML':>9}{'CSS+JS':>9}{'first load':>12}{'(gzip)':>9}{'later':>9}")
        for url, html_len, bodies, first, first_gz, later in rows:
            shown = re.sub(r"/objectives/\d+/", "/objectives/<id>/", url)
            css_js = sum(len(b) for b in bodies.values())
            print(f"  {shown:<22}{html_len:>9,}{css_js:>9,}{first:>12,}{first_gz:>9,}{later:>9,}")
        seen = {a: len(b) for _, _, bodies, *_ in rows for a, b in bodies.items()}
        print("  assets: " + ", ".join(f"{a} {n:,}" for a, n in sorted(seen.items())))
