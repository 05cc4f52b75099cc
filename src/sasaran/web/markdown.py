"""The markdown allow-list, for the pages: it lives in the shared `sasaran.richtext` so that the
API (which may not import the shell) renders comments with the very same rules."""

from sasaran.richtext import ATTRIBUTES, LINK_REL, TAGS, URL_SCHEMES, render_markdown

__all__ = ["ATTRIBUTES", "LINK_REL", "TAGS", "URL_SCHEMES", "render_markdown"]
