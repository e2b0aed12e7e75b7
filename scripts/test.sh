#!/usr/bin/env bash
# Installs what the tests need (Python packages, Debian's prometheus for promtool and end-to-end scrapes),
# then runs the linter and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore -e '.[test]'

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  else
    echo "promtool/prometheus missing: run 'sudo apt-get install prometheus' (Debian) and retry" >&2
    exit 1
  fi
fi

ruff check .
python3 -m pytest -q "$@"
