"""Translations: the Indonesian catalogue is complete and well formed, the committed .mo files
match their .po files, the catalogue covers every string in the source, and pages and the API
answer in the language the request asks for. `make messages` regenerates the catalogues."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import sasaran
from tests.okrs.helpers import objective

PACKAGE = Path(sasaran.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
# Same reading of CI as scripts/test.sh and tests/conftest.py.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


# ---- a small .po reader (standard library only) ---------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 unless the entry has plurals
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt is not None else self.msgid


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") included, obsolete ones marked."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the field that continuation lines extend

    def finish():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # the previous msgid of an obsolete fuzzy entry
        elif line.startswith("#"):
            if entry is not None and target is not None:
                finish()  # a comment after the strings starts the next entry
            entry = entry or Entry()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if not line:
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, text = match.groups()
            if keyword in ("msgctxt", "msgid") and entry is not None and target is not None:
                if not (keyword == "msgid" and target[0] == "msgctxt"):
                    finish()  # a new entry without a blank line between
            entry = entry or Entry()
            entry.obsolete = entry.obsolete or obsolete
            name = keyword.split("[")[0]
            target = (name, int(index or 0))
            value = ast.literal_eval(text)
        elif line.startswith('"') and entry is not None and target is not None:
            value = ast.literal_eval(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        elif match:
            setattr(entry, name, value)
        else:
            setattr(entry, name, getattr(entry, name) + value)
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    """The live entries: neither the header nor obsolete ones."""
    return [e for e in read_po(path) if not e.obsolete and not (e.msgid == "" and not e.msgctxt)]


def catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
ID_PO = catalogue("id")


def indonesian(msgid: str) -> str:
    """The committed Indonesian text of an English source string."""
    found = [e for e in messages(ID_PO) if e.msgid == msgid and e.msgctxt is None]
    assert found, f"{msgid!r} is not in the Indonesian catalogue"
    return found[0].msgstr[0]


# Python %-placeholders, as gettext's python-format check sees them, and {braces}.
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_NAMED = re.compile(r"%\([^)]*\)[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
_BRACES = re.compile(r"\{[^{}\s]*\}")


def placeholders(text: str, python_format: bool) -> Counter:
    found = (_PERCENT if python_format else _NAMED).findall(text) + _BRACES.findall(text)
    return Counter(found)


# ---- (a) the Indonesian catalogue is complete and well formed -------------------------------


def test_reader_understands_the_po_format(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        '#, python-format\nmsgid "Hi %(n)s"\nmsgstr ""\n"Halo "\n"%(n)s"\n'
        'msgctxt "menu"\nmsgid "Open"\nmsgstr "Buka \\"ini\\""\n\n'
        '#, fuzzy\n#| msgid "Old"\nmsgid "One"\nmsgid_plural "Many"\nmsgstr[0] "Banyak"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Hilang"\n',
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in entries] == [
        (None, "", {0: "Language: id\n"}),
        (None, "Hi %(n)s", {0: "Halo %(n)s"}),
        ("menu", "Open", {0: 'Buka "ini"'}),
        (None, "One", {0: "Banyak"}),
        (None, "Gone", {0: "Hilang"}),
    ]
    assert entries[1].flags == {"python-format"} and entries[3].flags == {"fuzzy"}
    assert entries[3].msgid_plural == "Many" and entries[4].obsolete
    assert [e.msgid for e in messages(po)] == ["Hi %(n)s", "Open", "One"]


def test_every_configured_language_has_a_catalogue():
    for code in LANGUAGE_CODES:
        assert catalogue(code).is_file(), f"no catalogue for {code}: run `make messages`"


def test_indonesian_catalogue_is_fully_translated():
    entries = messages(ID_PO)
    assert entries, "the Indonesian catalogue is empty: run `make messages`"
    untranslated = [e.label for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated in {ID_PO.name} (id): {untranslated}"
    assert not fuzzy, f"fuzzy (needs review) in {ID_PO.name} (id): {fuzzy}"
    header = next(e for e in read_po(ID_PO) if e.msgid == "" and e.msgctxt is None)
    assert "fuzzy" not in header.flags, "the header entry is marked fuzzy"
    assert "Language: id\n" in header.msgstr[0]


def test_indonesian_translations_keep_the_placeholders():
    wrong = []
    for e in messages(ID_PO):
        python_format = "python-format" in e.flags
        # A plural form may follow either English form (Indonesian has one form for all n).
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        allowed = [placeholders(source, python_format) for source in sources]
        for text in e.msgstr.values():
            if placeholders(text, python_format) not in allowed:
                wrong.append((e.msgid, text))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_english_catalogue_has_the_same_strings():
    english = {e.label for e in messages(catalogue("en"))}
    assert english == {e.label for e in messages(ID_PO)}, "run `make messages`"


# ---- (b) the committed .mo files match their .po files --------------------------------------


def _expected_catalog(entries: list[Entry]) -> dict:
    """What msgfmt puts in the .mo, keyed the way gettext.GNUTranslations reads it back."""
    expected: dict = {}
    for e in entries:
        if e.obsolete or ("fuzzy" in e.flags and e.msgid != "") or not any(e.msgstr.values()):
            continue
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is None:
            expected[key] = e.msgstr[0]
        else:
            expected.update({(key, i): text for i, text in e.msgstr.items()})
    return expected


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_compiled_catalogue_is_up_to_date(language):
    po = catalogue(language)
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo} is missing: run `make messages` and commit it"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for e in messages(po):
        if e.msgid_plural is not None or not e.msgstr.get(0):
            continue
        if e.msgctxt is None:
            got = compiled.gettext(e.msgid)
        else:
            got = compiled.pgettext(e.msgctxt, e.msgid)
        if got != e.msgstr[0]:
            stale.append(e.label)
    assert not stale, f"{mo.name} ({language}) is out of date for {stale}: run `make messages`"
    # Nothing more, either (strings since removed from the .po). The header is left out: msgfmt
    # drops its POT-Creation-Date line.
    in_mo = {key: text for key, text in compiled._catalog.items() if key != ""}
    assert in_mo == _expected_catalog(messages(po)), (
        f"{mo.name} ({language}) does not match {po.name}: run `make messages`"
    )


# ---- (c) the catalogue covers every translatable string in the source ------------------------

# makemessages in a child process, on a copy of the package, writing only into that copy.
_EXTRACT = """
import os, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
copy = sys.argv[1]
settings.LOCALE_PATHS = [os.path.join(copy, "locale")]
os.chdir(copy)
call_command("makemessages", locale=["id"], no_location=True, no_obsolete=True, verbosity=0)
"""


def test_catalogue_has_every_string_of_the_source(tmp_path):
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        message = "GNU gettext (xgettext, msgmerge) is not installed; cannot extract the strings"
        if IN_CI:
            pytest.fail(f"{message}, and CI needs this check (apt-get install gettext).")
        pytest.skip(f"{message} (install gettext to run this check).")
    copy = tmp_path / "sasaran"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "var", "__pycache__", "*.pyc")
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sasaran.settings",
        "SASARAN_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", _EXTRACT, str(copy)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"makemessages failed:\n{done.stdout}\n{done.stderr}"
    extracted = copy / "locale" / "id" / "LC_MESSAGES" / "django.po"
    in_source = {e.label for e in messages(extracted)}
    assert in_source, "makemessages found no strings at all"
    missing = sorted(in_source - {e.label for e in messages(ID_PO)})
    assert not missing, f"strings in the source but not in the catalogue (make messages): {missing}"


def test_no_javascript_needs_a_djangojs_catalogue():
    # scripts/messages.sh extracts only the "django" domain; add -d djangojs when this fails.
    calls = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.js")
        if "var" not in path.relative_to(PACKAGE).parts
        and re.search(
            r"\b(?:n|p|np)?gettext\s*\(", path.read_text(encoding="utf-8", errors="replace")
        )
    ]
    assert not calls, f"JavaScript calls gettext; extract the djangojs domain too: {calls}"


# ---- (d) pages and the API answer in the requested language ---------------------------------


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    # LocaleMiddleware leaves the request's language active in this thread; do not leak it.
    yield
    translation.deactivate()


def test_sign_in_page_follows_accept_language(client):
    english = client.get("/login/", headers={"accept-language": "en"}).content.decode()
    assert "Sign in to Sasaran" in english and '<html lang="en">' in english
    page = client.get("/login/", headers={"accept-language": "id"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="id">' in html
    assert indonesian("Sign in to Sasaran") in html
    assert indonesian("Sign in to Sasaran") != "Sign in to Sasaran"
    assert "Sign in to Sasaran" not in html
    assert indonesian("Password") in html


def test_signed_in_page_follows_the_language_cookie(client, actor_of, owner, cycle, product):
    objective(actor_of(owner), cycle, product, title="Delight our customers")
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    html = client.get("/okrs/").content.decode()
    assert '<html lang="id">' in html
    for text in ("Sign out", "Alignment", "No key results yet."):
        assert indonesian(text) in html, text
        assert text not in html, text


def test_api_error_detail_follows_accept_language(api_client, actor_of, owner, cycle, product):
    obj = objective(actor_of(owner), cycle, product)
    payload = {
        "objective_id": obj.pk,
        "title": "Cut churn",
        "direction": "decrease",
        "start_value": 10,
        "target_value": 20,
    }
    client = api_client(owner)
    source = (
        "A decreasing key result needs a target below its start value "
        "(start %(start)s, target %(target)s)."
    )
    values = {"start": "10", "target": "20"}
    for language, text in (("en", source), ("id", indonesian(source))):
        response = client.post(
            "/api/v1/key-results",
            payload,
            content_type="application/json",
            headers={"accept-language": language},
        )
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["detail"] == text % values, language
        assert [e["message"] for e in body["errors"]] == [text % values], language
