"""Fill Indonesian translations into the catalogue, for entries that are empty or fuzzy.

    po_fill.py FILE.json    # {"English msgid": "Indonesian msgstr", ...}
    po_fill.py OTHER.po     # the translations of another catalogue (say, a branch's, after a
                            # merge where `make messages` regenerated this one)

Sets each msgstr, drops the fuzzy flag and the previous msgid. Run `make messages` afterwards
to recompile."""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "src/sasaran/locale/id/LC_MESSAGES/django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines if '"' in line)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _entries(text: str):
    """(block index, lines, msgid, msgstr, fuzzy) of each singular entry."""
    for i, block in enumerate(text.split("\n\n")):
        lines = block.split("\n")
        ids = [j for j, line in enumerate(lines) if line.startswith("msgid ")]
        strs = [j for j, line in enumerate(lines) if line.startswith("msgstr ")]
        if not ids or not strs or any(line.startswith("msgid_plural") for line in lines):
            continue
        msgid = _unquote(lines[ids[0] : strs[0]])
        if not msgid:
            continue  # the header
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        yield i, lines, ids[0], strs[0], msgid, _unquote(lines[strs[0] :]), fuzzy


def translations_of(po: Path) -> dict[str, str]:
    return {
        msgid: msgstr
        for _i, _l, _a, _b, msgid, msgstr, fuzzy in _entries(po.read_text(encoding="utf-8"))
        if msgstr and not fuzzy
    }


def fill(translations: dict[str, str]) -> list[str]:
    text = PO.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    done = []
    for i, lines, first_id, first_str, msgid, msgstr, fuzzy in _entries(text):
        if msgid not in translations or (msgstr and not fuzzy):
            continue
        head = [
            re.sub(r"fuzzy, |, fuzzy|^#, fuzzy$", "", line)
            for line in lines[:first_id]
            if not line.startswith("#|")
        ]
        head = [line for line in head if line not in ("#,", "")]
        blocks[i] = "\n".join(
            [*head, *lines[first_id:first_str], f"msgstr {_quote(translations[msgid])}"]
        )
        done.append(msgid)
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    return done


if __name__ == "__main__":
    source = Path(sys.argv[1])
    if source.suffix == ".po":
        wanted = translations_of(source)
    else:
        wanted = json.loads(source.read_text(encoding="utf-8"))
    print(f"filled {len(fill(wanted))} entries")
