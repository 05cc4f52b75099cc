"""Take the README's screenshots of a running Sasaran (demo data) with Playwright and Chromium.

Usage: .venv/bin/python scripts/screenshots.py [BASE_URL] [OUTPUT_DIR]
Defaults: http://127.0.0.1:8000 and docs/screenshots. Prints console errors and failed requests.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

EMAIL = "admin@example.com"
# Home is shown as a member with key results due, which is what Home is for.
HOME_AS = "rizky@example.com"
PASSWORD = "sasaran-demo"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
MAX_HEIGHT = 1400

problems: list[str] = []


def watch(page, label_ref):
    def on_console(msg):
        if msg.type == "error":
            problems.append(f"[{label_ref[0]}] console error: {msg.text} ({page.url})")

    def on_response(resp):
        if resp.status >= 400:
            problems.append(f"[{label_ref[0]}] HTTP {resp.status} {resp.request.method} {resp.url}")

    def on_failed(req):
        problems.append(f"[{label_ref[0]}] request failed: {req.method} {req.url} {req.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"[{label_ref[0]}] page error: {exc}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)


def sign_in(page, base, email=EMAIL):
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    if "/login/" in page.url:
        raise SystemExit("sign-in failed")


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    made: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"]
        )
        label = ["?"]

        def shot(page, name, url=None):
            label[0] = name
            if url is not None:
                page.goto(url if url.startswith("http") else base + url)
            page.wait_for_load_state("networkidle")
            path = out / f"{name}.png"
            # The top of long pages only: what a README reader looks at, at a tenth of the size.
            width = page.viewport_size["width"]
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            page.screenshot(
                path=str(path),
                full_page=True,
                clip={"x": 0, "y": 0, "width": width, "height": height},
            )
            ov = overflow(page)
            if ov > 0:
                problems.append(
                    f"[{name}] horizontal overflow: {ov}px at width {page.viewport_size['width']}"
                )
            made.append(str(path))
            print(f"saved {path}  ({page.url})")

        def shot_if(page, name, href, missing):
            if href:
                shot(page, name, href)
            else:
                problems.append(f"[{name}] {missing}")

        def first_href(page, pattern):
            for href in page.eval_on_selector_all(
                "a[href]", "els => els.map(e => e.getAttribute('href'))"
            ):
                if href and re.search(pattern, href):
                    return href
            return None

        # Signed out: the sign-in page.
        anon = browser.new_context(viewport=DESKTOP)
        page = anon.new_page()
        watch(page, label)
        shot(page, "login", "/login/")
        anon.close()

        ctx = browser.new_context(viewport=DESKTOP)
        page = ctx.new_page()
        watch(page, label)
        label[0] = "sign-in"
        sign_in(page, base)

        member = browser.new_context(viewport=DESKTOP)
        as_member = member.new_page()
        watch(as_member, label)
        sign_in(as_member, base, HOME_AS)
        shot(as_member, "home", "/")
        shot(as_member, "checkin-inbox", "/check-ins/")
        member.close()

        shot(page, "explorer-tree", "/okrs/")
        objective_href = first_href(page, r"^/objectives/\d+/$")
        shot(page, "explorer-list", "/okrs/?view=list")
        shot(page, "alignment", "/alignment/")
        shot(page, "needs-attention", "/okrs/attention/")
        objective_url = objective_href or "/objectives/1/"
        shot(page, "objective", objective_url)
        checkin_href = first_href(page, r"/key-results/\d+/check-in/")
        if not checkin_href:
            # "Check in" opens an inline form on the objective page; its own page is by KR id.
            kr_ids = page.eval_on_selector_all(
                "article.kr[id^=kr-]", "els => els.map(e => e.id.slice(3))"
            )
            if kr_ids:
                checkin_href = f"/key-results/{kr_ids[0]}/check-in/"
        shot_if(page, "checkin", checkin_href, "no 'Check in' link on the objective page")
        shot(page, "work", "/work/")
        list_href = first_href(page, r"^/work/lists/\d+/$")
        shot_if(page, "work-list", list_href, "no list on /work/")
        shot_if(page, "work-board", list_href and f"{list_href}?view=board", "no list on /work/")
        shot(page, "my-tasks", "/work/my-tasks/")
        shot(page, "new-objective", "/objectives/new/")
        shot(page, "templates", "/objectives/templates/")
        shot(page, "cycles", "/cycles/")
        close_href = first_href(page, r"/cycles/\d+/close/")
        celebrate_href = first_href(page, r"/cycles/\d+/celebrate/")
        # The close page is looked at only, never submitted.
        shot_if(page, "close-cycle", close_href, "no 'Close and grade' link on /cycles/")
        shot_if(page, "celebrate", celebrate_href, "no celebrate link on /cycles/")
        shot(page, "settings", "/settings/")
        shot(page, "teams", "/settings/teams/")
        shot(page, "profile", "/profile/")
        shot(page, "api-docs", "/api/v1/docs")

        # Bahasa Indonesia, switched on the profile page and back again.
        def set_language(code):
            label[0] = f"language-{code}"
            page.goto(base + "/profile/")
            page.get_by_label(re.compile(r"^(Language|Bahasa)$")).select_option(code)
            page.get_by_role("button", name=re.compile(r"^(Save profile|Simpan profil)$")).click()
            page.wait_for_load_state("networkidle")

        set_language("id")
        shot(page, "home-id", "/")
        shot(page, "objective-id", objective_url)
        set_language("en")
        page.goto(base + "/profile/")
        if page.get_by_role("button", name="Save profile").count() == 0:
            problems.append("[language-en] could not switch the language back to English")
        ctx.close()

        # Mobile.
        mctx = browser.new_context(
            viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        page = mctx.new_page()
        watch(page, label)
        label[0] = "sign-in-mobile"
        sign_in(page, base, HOME_AS)
        shot(page, "home-mobile", "/")
        shot(page, "checkin-inbox-mobile", "/check-ins/")
        shot(page, "objective-mobile", objective_url)
        shot(page, "needs-attention-mobile", "/okrs/attention/")
        mctx.close()
        browser.close()

    print(f"\n{len(made)} screenshots in {out}/")
    print(f"\n{len(problems)} console errors / failed requests / overflows:")
    for line in problems:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
