#!/usr/bin/env bash
# Migrate, load the demo workspace into an empty database, then run the worker and the server.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export SITE_URL="${SITE_URL:-http://${HOST:-127.0.0.1}:${PORT:-8000}}"
$BIN/sasaran migrate --no-input -v 0
$BIN/sasaran demo --if-empty
$BIN/sasaran worker &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo
echo "Sasaran is starting on $SITE_URL/"
echo "Demo sign-in: admin@example.com / sasaran-demo (every demo member has the same password)"
echo
$BIN/sasaran serve --no-migrate
