"""Objective descriptions are markdown written by users: rendered with an explicit allow-list,
no remote (or any) images, and links that give nothing away."""

import pytest

from sasaran.web.markdown import render_markdown
from tests.okrs.helpers import objective


@pytest.mark.parametrize(
    "text",
    [
        "![chart](https://tracker.example.net/pixel.png)",
        '<img src="https://tracker.example.net/pixel.png">',
        '<img src="/static/sasaran/favicon.svg">',
        '<picture><source srcset="https://tracker.example.net/a.png"></picture>',
        '<video poster="https://tracker.example.net/p.png"></video>',
        '<p style="background: url(https://tracker.example.net/bg.png)">Hi</p>',
        '<link rel="stylesheet" href="https://tracker.example.net/x.css">',
    ],
)
def test_it_drops_images_and_anything_else_that_fetches_from_a_host(text):
    html = render_markdown(text)
    assert "tracker.example.net" not in html and "<img" not in html and "favicon" not in html
    assert "style=" not in html


def test_it_keeps_the_markdown_people_write():
    html = render_markdown(
        "# Why\n\nWe **remove** _friction_ with `code`.\n\n1. one\n2. two\n\n"
        "> quoted\n\n- a\n- b\n\n---\n\n    pre\n"
    )
    for tag in ("<h1>", "<strong>", "<em>", "<code>", "<ol>", "<li>", "<blockquote>", "<ul>"):
        assert tag in html
    assert "<hr>" in html and "<pre>" in html


def test_links_get_noopener_noreferrer_and_only_safe_schemes():
    html = render_markdown(
        "[docs](https://example.com/x) [mail](mailto:a@example.com) [rel](/okrs/) "
        "[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)"
    )
    assert html.count('rel="noopener noreferrer"') == 5
    assert 'href="https://example.com/x"' in html and 'href="mailto:a@example.com"' in html
    assert 'href="/okrs/"' in html
    assert "javascript:" not in html and "data:" not in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name="p"></form>',
        '<svg onload="alert(1)"></svg>',
        "<style>body{display:none}</style>",
        '<p class="notice" id="x">hi</p>',
    ],
)
def test_it_keeps_no_script_handler_frame_form_style_or_class(text):
    html = render_markdown(text)
    for needle in ("<script", "alert", "onclick", "<iframe", "<form", "<input", "<svg", "<style"):
        assert needle not in html
    assert "display:none" not in html and "class=" not in html and "id=" not in html


def test_the_objective_page_shows_no_remote_image(client, actor_of, owner, cycle, product):
    obj = objective(
        actor_of(owner),
        cycle,
        product,
        description="Progress chart: ![x](https://tracker.example.net/p.png) [more](https://example.com)",
    )
    client.force_login(owner)
    html = client.get(f"/objectives/{obj.pk}/").content.decode()
    assert "tracker.example.net" not in html
    assert '<a href="https://example.com" rel="noopener noreferrer">more</a>' in html
