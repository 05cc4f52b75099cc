"""scripts/po_fill.py fills the Indonesian catalogue from a JSON map: singular entries from a
text, plural entries (msgid_plural, msgstr[n]) from a list with one text per plural form."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "po_fill.py"
spec = importlib.util.spec_from_file_location("po_fill", SCRIPT)
po_fill = importlib.util.module_from_spec(spec)
spec.loader.exec_module(po_fill)

CATALOGUE = """msgid ""
msgstr ""
"Language: id\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Save"
msgstr ""

#, fuzzy, python-format
#| msgid "%(n)s old thing"
msgid "%(n)s key result"
msgid_plural "%(n)s key results"
msgstr[0] "%(n)s barang lama"

#, python-format
msgid "max %(limit)s character"
msgid_plural "max %(limit)s characters"
msgstr[0] ""

msgid "Kept"
msgstr "Tetap"
"""


def test_it_fills_singular_and_plural_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(CATALOGUE, encoding="utf-8")
    done = po_fill.fill(
        {
            "Save": "Simpan",
            "%(n)s key result": ["%(n)s hasil utama"],
            "max %(limit)s character": "maks. %(limit)s karakter",  # a text fills every form
            "Kept": "Diganti",  # translated already: left alone
        },
        po,
    )
    assert done == ["Save", "%(n)s key result", "max %(limit)s character"]
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Save"\nmsgstr "Simpan"' in text
    assert (
        '#, python-format\nmsgid "%(n)s key result"\nmsgid_plural "%(n)s key results"\n'
        'msgstr[0] "%(n)s hasil utama"'
    ) in text
    assert "fuzzy" not in text and "#|" not in text
    assert 'msgstr[0] "maks. %(limit)s karakter"' in text
    assert 'msgstr "Tetap"' in text
    assert po_fill.translations_of(po)["%(n)s key result"] == ["%(n)s hasil utama"]


def test_it_refuses_the_wrong_number_of_plural_forms(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(CATALOGUE, encoding="utf-8")
    with pytest.raises(SystemExit, match="1 plural forms wanted, 2 given"):
        po_fill.fill({"%(n)s key result": ["satu", "dua"]}, po)
    assert po.read_text(encoding="utf-8") == CATALOGUE  # nothing written
