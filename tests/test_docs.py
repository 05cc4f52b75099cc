"""The repository stands alone: README.md and docs/*.md link only to files inside it that exist
(and to headings that exist in them), never to a relative path outside it."""

import re
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
# [text](target "title") and ![alt](target); <target> brackets allowed.
INLINE = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
# [label]: target
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?", re.M)
HTML = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
# A path written as code that climbs out of the document's folder, e.g. `../shared/PRODUCT.md`.
CODE_PATH = re.compile(r"`(\.\./[^`\s]*)`")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def documents(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats
    numbered."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", markdown)):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def link_problems(root: Path) -> list[str]:
    """Every link of README.md and docs/*.md that leaves `root` or names a missing file or
    heading, as "file: target: why"."""
    root = root.resolve()
    problems: list[str] = []
    for doc in documents(root):
        if not doc.exists():
            continue
        name = doc.relative_to(root).as_posix()
        text = FENCE.sub("", doc.read_text(encoding="utf-8"))
        targets = INLINE.findall(text) + REFERENCE.findall(text) + HTML.findall(text)
        for target in targets:
            if SCHEME.match(target) or target.startswith("//"):
                continue  # a web address, not a file of the repository
            path, _, fragment = target.partition("#")
            path = unquote(path.split("?", 1)[0])
            if not path:
                resolved = doc
            else:
                base = root if path.startswith("/") else doc.parent
                resolved = (base / path.lstrip("/")).resolve()
            if not resolved.is_relative_to(root):
                problems.append(f"{name}: {target}: outside the repository")
            elif not resolved.exists():
                problems.append(f"{name}: {target}: no such file")
            elif fragment and resolved.suffix == ".md" and resolved.is_file():
                if unquote(fragment).lower() not in anchors(resolved.read_text(encoding="utf-8")):
                    problems.append(f"{name}: {target}: no such heading")
        for path in CODE_PATH.findall(text):
            if not (doc.parent / path).resolve().is_relative_to(root):
                problems.append(f"{name}: {path}: outside the repository")
    return problems


def test_readme_links_resolve_inside_the_repository():
    assert (ROOT / "docs" / "rules.md").exists()
    assert "docs/rules.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert link_problems(ROOT) == []


def test_link_check_catches_links_outside_the_repository_and_to_missing_files(tmp_path):
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "rules.md").write_text("# Rules\n\n## 1. Concepts\n\n[top](../README.md)\n")
    (repo / "README.md").write_text(
        "The arithmetic is specified in `../shared/PRODUCT.md` §2.\n"
        "[brief](../shared/PRODUCT.md) [gone](docs/gone.md) [rules](docs/rules.md)\n"
        "[ok anchor](docs/rules.md#1-concepts) [bad anchor](docs/rules.md#2-arithmetic)\n"
        "[web](https://example.com/x) [here](#readme) ![pic](docs/missing.png)\n"
        "[ref]: /../elsewhere.md\n"
        "```\n[in a code block](../not-a-link.md)\n```\n"
    )
    assert link_problems(repo) == [
        "README.md: ../shared/PRODUCT.md: outside the repository",
        "README.md: docs/gone.md: no such file",
        "README.md: docs/rules.md#2-arithmetic: no such heading",
        "README.md: #readme: no such heading",
        "README.md: docs/missing.png: no such file",
        "README.md: /../elsewhere.md: outside the repository",
        "README.md: ../shared/PRODUCT.md: outside the repository",
    ]
