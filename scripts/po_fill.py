"""Fill Indonesian translations into the catalogue: `po_fill.py FILE.json` where the JSON maps
English msgids to their translations. Sets each msgstr, drops the fuzzy flag and the previous
msgid; leaves other entries alone. Run `make messages` afterwards to recompile."""

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "src/sasaran/locale/id/LC_MESSAGES/django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(translations: dict[str, str]) -> list[str]:
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    done = []
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        ids = [j for j, line in enumerate(lines) if line.startswith("msgid ")]
        strs = [j for j, line in enumerate(lines) if line.startswith("msgstr")]
        if not ids or not strs or lines[ids[0]] == 'msgid ""' and ids[0] + 1 == strs[0]:
            continue
        msgid = _unquote(lines[ids[0] : strs[0]])
        if msgid not in translations:
            continue
        head = [
            re.sub(r"fuzzy, |, fuzzy|^#, fuzzy$", "", line)
            for line in lines[: ids[0]]
            if not line.startswith("#|")
        ]
        head = [line for line in head if line not in ("#,", "")]
        blocks[i] = "\n".join(
            [*head, *lines[ids[0] : strs[0]], f"msgstr {_quote(translations[msgid])}"]
        )
        done.append(msgid)
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    return done


if __name__ == "__main__":
    wanted = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    filled = fill(wanted)
    missing = sorted(set(wanted) - set(filled))
    print(f"filled {len(filled)}; not in the catalogue: {missing}")
