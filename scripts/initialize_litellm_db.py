#!/usr/bin/env python3
"""Initialize a litellm-db database (seed 000's script name): ``litellm-db init``.

    python scripts/initialize_litellm_db.py              # install or upgrade the schema
    python scripts/initialize_litellm_db.py --test-data  # ... and load demo data
    python scripts/initialize_litellm_db.py --reset --yes  # DESTRUCTIVE: drop and recreate

The database comes from --dsn, DATABASE_URL or POSTGRES_HOST/PORT/DB/USER/PASSWORD;
without any of them an embedded PostgreSQL is started in ./.litellm-db/pgdata.
Run with --help for every option. Works from a source checkout without installing.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from litellm_db import cli
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "python"))
    from litellm_db import cli

if __name__ == "__main__":
    sys.exit(cli.main(["init", *sys.argv[1:]]))
