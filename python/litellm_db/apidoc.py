"""The SQL API reference, generated from the installed catalog.

Every public function's (and procedure's) signature, result, volatility,
security and COMMENT come from ``pg_proc``; who may execute it comes from its
ACL. ``docs/api.md`` is this module's output, and ``tests/test_docs.py`` fails
when the two differ:

    litellm-db docs --dsn ... > docs/api.md
"""

from __future__ import annotations

import re

import psycopg

from .installer import SCHEMA

FUNCTIONS = """
select p.proname,
       pg_catalog.pg_get_function_arguments(p.oid),
       pg_catalog.pg_get_function_result(p.oid),
       case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end,
       p.prosecdef,
       coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), ''),
       coalesce((select pg_catalog.string_agg(r.rolname, ', ' order by r.rolname)
                 from pg_catalog.aclexplode(p.proacl) as a
                 join pg_catalog.pg_roles as r on r.oid = a.grantee
                 where a.privilege_type = 'EXECUTE' and r.rolname like 'litellm%%'), ''),
       p.prokind = 'p'
from pg_catalog.pg_proc as p
where p.pronamespace = %s::regnamespace and p.proname !~ '^_' and p.prokind in ('f', 'p')
order by p.proname, 2
"""

RELATIONS = """
select c.relname,
       case c.relkind when 'v' then 'view' when 'p' then 'partitioned table' else 'table' end,
       coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '')
from pg_catalog.pg_class as c
where c.relnamespace = %s::regnamespace and c.relkind in ('r', 'p', 'v') and not c.relispartition
order by c.relname
"""

RAISES = re.compile(r"LD\d{3}")


def api_reference(conn: psycopg.Connection) -> str:
    out = [
        "# SQL API reference",
        "",
        "Generated from the installed catalog by `litellm-db docs`; do not edit by hand.",
        f"Every object is in schema `{SCHEMA}`; errors are explained in [errors.md](errors.md).",
        "",
        "## Functions",
        "",
        "| function | executable by | raises |",
        "|---|---|---|",
    ]
    functions = conn.execute(FUNCTIONS, (SCHEMA,)).fetchall()
    for name, _args, _result, _vol, _definer, comment, roles, _procedure in functions:
        codes = " ".join(sorted(set(RAISES.findall(comment)))) or "—"
        out.append(f"| [`{name}`](#{name}) | {roles or 'owner only'} | {codes} |")
    for name, args, result, volatility, definer, comment, roles, procedure in functions:
        signature = (
            [f"call {SCHEMA}.{name}({args})"] if procedure
            else [f"{SCHEMA}.{name}({args})", f"returns {result}"]
        )
        kind = "procedure" if procedure else volatility
        out += [
            "",
            f"### {name}",
            "",
            "```sql",
            *signature,
            "```",
            "",
            comment or "(no comment)",
            "",
            f"{kind}, {'security definer' if definer else 'security invoker'};"
            f" executable by: {roles or 'the owner only'}.",
        ]
    out += ["", "## Tables and views", "", "| name | kind | what it holds |", "|---|---|---|"]
    for name, kind, comment in conn.execute(RELATIONS, (SCHEMA,)).fetchall():
        out.append(f"| `{name}` | {kind} | {' '.join(comment.split())} |")
    return "\n".join(out) + "\n"
