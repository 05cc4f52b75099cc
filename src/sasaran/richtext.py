"""Stored markdown (objective descriptions, comments) rendered to HTML that is safe to show
anyone. Shared by every app (the API renders comments too); `web.markdown` re-exports it for
the pages."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# What markdown itself produces, minus images: an <img> pointing at another host would tell it
# the address (and the moment) of every reader. Nothing else comes through, whatever the raw
# HTML inside the markdown says.
TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code",
        "ul", "ol", "li", "em", "strong", "b", "i", "del", "sub", "sup", "a",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Every link: no window.opener for the page it opens, no Referer naming our page.
LINK_REL = "noopener noreferrer"


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then only the tags and attributes above; no styles, no scripts, no
    images, no event handlers, links only to http(s) and mailto (or relative)."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(
        nh3.clean(
            html,
            tags=set(TAGS),
            clean_content_tags={"script", "style"},
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )
