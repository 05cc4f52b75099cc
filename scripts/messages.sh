#!/usr/bin/env bash
# Regenerate the translation catalogues (en, id) from the source, then compile them to .mo.
# Needs GNU gettext (xgettext, msgmerge, msgfmt). The compiled .mo files are committed, so
# `make run` works with Python alone; run this (`make messages`) after changing any string.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DJANGO_ADMIN="$ROOT/.venv/bin/django-admin"

for tool in xgettext msgmerge msgfmt; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "messages.sh: $tool not found; install GNU gettext (apt-get install gettext)." >&2
    exit 1
  }
done

# Loading the settings must not leave a secret key or a database inside the source tree.
SASARAN_DATA_DIR="$(mktemp -d)"
export SASARAN_DATA_DIR
trap 'rm -rf "$SASARAN_DATA_DIR"' EXIT
unset DATABASE_URL

# Run from the package directory: makemessages scans only our code and writes into
# src/sasaran/locale; compilemessages from here compiles only that locale directory.
# (No .js file calls gettext, so there is no djangojs domain.)
cd "$ROOT/src/sasaran"
DJANGO_SETTINGS_MODULE=sasaran.settings "$DJANGO_ADMIN" makemessages \
  -l id -l en --no-location --no-obsolete -v 0
# compilemessages skips a .mo that is newer than its .po (mtimes after a checkout say little).
rm -f locale/*/LC_MESSAGES/*.mo
"$DJANGO_ADMIN" compilemessages --settings=sasaran.settings -v 0

# Untranslated or fuzzy entries show up here (and fail tests/test_i18n.py): translate them in
# src/sasaran/locale/id/LC_MESSAGES/django.po, then run this again to recompile.
echo "id: $(msgfmt --statistics -o /dev/null locale/id/LC_MESSAGES/django.po 2>&1)"
