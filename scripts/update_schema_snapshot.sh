#!/bin/sh
# Regenerates sql/schema.snapshot.sql from a fresh install (a throwaway PostgreSQL, as the
# test suite starts one). Run from the repository root after changing sql/schema or sql/views.
set -e
cd "$(dirname "$0")/.."
LITELLM_DB_UPDATE_SNAPSHOT=1 "${PYTEST:-.venv/bin/pytest}" -p no:cacheprovider -q \
    tests/test_upgrade.py -k test_the_schema_snapshot_is_current
