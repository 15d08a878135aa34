#!/usr/bin/env bash
# The whole test suite, on a fresh Debian/Ubuntu machine or a developer's checkout:
#   1. the server binaries, pgTAP, pg_prove and plpgsql_check (apt, when missing
#      and we may install: root, or sudo without a password);
#   2. a virtualenv in .venv with the package and its test extras;
#   3. pytest: the pgTAP files, the Python tests and the quality gates.
# Extra arguments go to pytest (e.g. scripts/test.sh -k concurrency -x).
# Set LITELLM_DB_TEST_DSN to test against an existing server instead.
set -euo pipefail
cd "$(dirname "$0")/.."

have_pg_tools() {
    command -v pg_prove >/dev/null 2>&1 || return 1
    local bindir
    for bindir in /usr/lib/postgresql/*/bin; do
        [ -x "$bindir/initdb" ] || continue
        local major share
        major=$(basename "$(dirname "$bindir")")
        share=/usr/share/postgresql/$major/extension
        [ -f "$share/pgtap.control" ] && [ -f "$share/plpgsql_check.control" ] && return 0
    done
    return 1
}

if ! have_pg_tools; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
            echo "scripts/test.sh: PostgreSQL, pgTAP, pg_prove or plpgsql_check is missing and" >&2
            echo "  this user cannot install packages; as root run:" >&2
            echo "  apt-get install postgresql postgresql-NN-pgtap postgresql-NN-plpgsql-check libtap-parser-sourcehandler-pgtap-perl" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "==> installing PostgreSQL test tools with apt"
    $SUDO apt-get update -qq
    # The newest PostgreSQL the distribution ships, or the one already installed.
    major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
    if [ -z "$major" ]; then
        major=$(apt-cache search --names-only '^postgresql-[0-9]+$' | sed -E 's/^postgresql-([0-9]+).*/\1/' | sort -n | tail -1)
    fi
    $SUDO apt-get install -y -qq --no-install-recommends \
        "postgresql-$major" "postgresql-$major-pgtap" "postgresql-$major-plpgsql-check" \
        libtap-parser-sourcehandler-pgtap-perl >/dev/null
fi

# pg_cron (`litellm-db schedule`), the Prometheus exporter (the metrics query
# file) and Chromium (the report renders without errors): the tests of the
# operators' commands run the real programs.
have_ops_tools() {
    local major
    major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
    [ -n "$major" ] && [ -f "/usr/share/postgresql/$major/extension/pg_cron.control" ] || return 1
    command -v prometheus-postgres-exporter >/dev/null 2>&1 || return 1
    command -v chromium >/dev/null 2>&1 || return 1
}

if [ -z "${LITELLM_DB_TEST_DSN:-}" ] && ! have_ops_tools; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
            echo "scripts/test.sh: pg_cron, prometheus-postgres-exporter or chromium is missing and" >&2
            echo "  this user cannot install packages; as root run:" >&2
            echo "  apt-get install postgresql-NN-cron prometheus-postgres-exporter chromium" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "==> installing pg_cron, prometheus-postgres-exporter and chromium with apt"
    $SUDO apt-get update -qq
    major=$(ls /usr/lib/postgresql | sort -n | tail -1)
    $SUDO apt-get install -y -qq --no-install-recommends \
        "postgresql-$major-cron" prometheus-postgres-exporter chromium >/dev/null
    # The exporter's package starts a service for the local server: the tests run their own.
    if command -v systemctl >/dev/null 2>&1; then
        $SUDO systemctl disable --now prometheus-postgres-exporter >/dev/null 2>&1 || true
    fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$PYTHON" -m venv .venv
fi
echo "==> installing litellm-db with its test extras"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

echo "==> running the suite"
exec .venv/bin/python -m pytest "$@"
