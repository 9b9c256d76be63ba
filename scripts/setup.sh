#!/usr/bin/env bash
# Sets Margo up on a fresh Debian/Ubuntu machine with Python 3.11:
#   - Debian packages from packages.txt (and scripts/packages-test.txt with --test),
#     installed with apt-get when we are root or have password-less sudo;
#   - a virtual environment in .venv with the pinned requirements (requirements-dev.txt
#     with --test), reinstalled only when the requirement files change.
# Safe to run again: it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
PY=${PYTHON:-python3}

apt_files=(packages.txt)
[ $want_test = 1 ] && apt_files+=(scripts/packages-test.txt)
pkgs=$(cat "${apt_files[@]}" 2>/dev/null | sed 's/#.*//' | tr -s ' \n' '\n' | grep -v '^$' || true)
missing=()
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: no apt-get here; install these yourself for voice features: ${missing[*]}" >&2
  else
    SUDO=""
    if [ "$(id -u)" != 0 ]; then
      if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi
    fi
    if [ "$SUDO" = none ]; then
      echo "setup: not root; these Debian packages are missing (the app runs without them, silently): ${missing[*]}" >&2
    else
      echo "setup: installing Debian packages: ${missing[*]}"
      $SUDO apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || echo "setup: some Debian packages failed to install; features that need them will say so" >&2
    fi
  fi
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
req=requirements.txt
[ $want_test = 1 ] && req=requirements-dev.txt
stamp=.venv/.margo-$(basename "$req" .txt).sha
sum=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "setup: installing Python requirements from $req (first time: a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -r "$req"
  echo "$sum" > "$stamp"
fi
echo "setup: ready"
