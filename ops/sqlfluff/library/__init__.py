"""Stand-ins for warehouse/sql-renderer.ts, so that sqlfluff's jinja templater renders sql/ as the
nunjucks renderer does (names only: the lint needs valid SQL, not the real tables)."""


def source(database, table):
    return f'stg."{database}__{table}"'


def batch_of(database, table):
    return f'stg."{database}__{table}__r1"'


def ref(model):
    return f'dwh."{model}"'


def is_incremental():
    return True


def var(name):
    return {"run_id": 1, "business_tz": "Europe/Kyiv"}.get(name, 1)


def _lit(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name):
    return '"' + str(name).replace('"', '""') + '"'


SQLFLUFF_JINJA_FILTERS = {"lit": _lit, "ident": _ident}
