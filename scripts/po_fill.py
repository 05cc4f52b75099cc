"""Fill Indonesian translations into the catalogue, for entries that are empty or fuzzy.

    po_fill.py FILE.json    # {"English msgid": "Indonesian msgstr", ...}
    po_fill.py OTHER.po     # the translations of another catalogue (say, a branch's, after a
                            # merge where `make messages` regenerated this one)

A plural entry (msgid_plural) is keyed by its singular msgid and takes a list, one text per
plural form of the catalogue (Indonesian has one: ["%(n)s hasil utama"]); a plain string fills
every form. Sets each msgstr, drops the fuzzy flag and the previous msgid. Run `make messages`
afterwards to recompile."""

import json
import re
import sys
from itertools import pairwise
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "src/sasaran/locale/id/LC_MESSAGES/django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines if '"' in line)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _plural_count(text: str) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", text)
    return int(match.group(1)) if match else 1


def _entries(text: str):
    """(block index, lines, first msgid line, first msgstr line, msgid, msgstr, fuzzy) of each
    entry; msgstr is a string for a singular entry and a list (one per form) for a plural."""
    for i, block in enumerate(text.split("\n\n")):
        lines = block.split("\n")
        ids = [j for j, line in enumerate(lines) if line.startswith("msgid ")]
        strs = [j for j, line in enumerate(lines) if re.match(r"msgstr(\[\d+\])? ", line)]
        if not ids or not strs:
            continue
        plural = [j for j, line in enumerate(lines) if line.startswith("msgid_plural ")]
        msgid = _unquote(lines[ids[0] : (plural or strs)[0]])
        if not msgid:
            continue  # the header
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if plural:
            bounds = [*strs, len(lines)]
            msgstr: str | list[str] = [_unquote(lines[a:b]) for a, b in pairwise(bounds)]
        else:
            msgstr = _unquote(lines[strs[0] :])
        yield i, lines, ids[0], strs[0], msgid, msgstr, fuzzy


def _done(msgstr) -> bool:
    return all(msgstr) if isinstance(msgstr, list) else bool(msgstr)


def translations_of(po: Path) -> dict[str, str | list[str]]:
    return {
        msgid: msgstr
        for _i, _l, _a, _b, msgid, msgstr, fuzzy in _entries(po.read_text(encoding="utf-8"))
        if _done(msgstr) and not fuzzy
    }


def fill(translations: dict[str, str | list[str]], po: Path = PO) -> list[str]:
    text = po.read_text(encoding="utf-8")
    forms = _plural_count(text)
    blocks = text.split("\n\n")
    done = []
    for i, lines, first_id, first_str, msgid, msgstr, fuzzy in _entries(text):
        if msgid not in translations or (_done(msgstr) and not fuzzy):
            continue
        given = translations[msgid]
        if isinstance(msgstr, list):
            texts = [given] * forms if isinstance(given, str) else list(given)
            if len(texts) != forms:
                raise SystemExit(f"{msgid!r}: {forms} plural forms wanted, {len(texts)} given")
            new = [f"msgstr[{n}] {_quote(t)}" for n, t in enumerate(texts)]
        else:
            if not isinstance(given, str):
                raise SystemExit(f"{msgid!r} is not a plural entry: give one text, not a list")
            new = [f"msgstr {_quote(given)}"]
        head = [
            re.sub(r"fuzzy, |, fuzzy|^#, fuzzy$", "", line)
            for line in lines[:first_id]
            if not line.startswith("#|")
        ]
        head = [line for line in head if line not in ("#,", "")]
        blocks[i] = "\n".join([*head, *lines[first_id:first_str], *new])
        done.append(msgid)
    po.write_text("\n\n".join(blocks), encoding="utf-8")
    return done


if __name__ == "__main__":
    source = Path(sys.argv[1])
    if source.suffix == ".po":
        wanted = translations_of(source)
    else:
        wanted = json.loads(source.read_text(encoding="utf-8"))
    print(f"filled {len(fill(wanted))} entries")
