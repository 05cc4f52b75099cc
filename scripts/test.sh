#!/usr/bin/env bash
# The whole suite: lint, then every test on SQLite, then again on PostgreSQL.
# Under CI=true an unreachable PostgreSQL fails the run; elsewhere it is skipped, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export SASARAN_DATA_DIR="${SASARAN_DATA_DIR:-$(mktemp -d)}"
unset DATABASE_URL
PG_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
CI_MODE=false
case "${CI:-}" in 1|true|TRUE|yes) CI_MODE=true ;; esac

# Find out first whether PostgreSQL is there, so CI fails in seconds rather than after SQLite.
PG_OK=true
$BIN/python - "$PG_URL" <<'PY' || PG_OK=false
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL unreachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
if ! $PG_OK && $CI_MODE; then
  echo "FAIL: CI=true and PostgreSQL is unreachable; the PostgreSQL run is mandatory in CI." >&2
  exit 1
fi

echo "== lint (ruff)"
$BIN/ruff check src tests bench scripts
$BIN/ruff format --check src tests bench scripts

echo "== tests on SQLite"
$BIN/pytest -n 2 -m "not postgres" "$@"

if $PG_OK; then
  echo "== tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $BIN/pytest -n 2 "$@"
else
  echo "SKIPPED: the PostgreSQL run (no server at $PG_URL). Set TEST_DATABASE_URL to point at one."
fi
