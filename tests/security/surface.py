"""The app's attack surface read from app.url_map, so a new route is covered without a list."""

import re
from urllib.parse import quote

PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
FIELD_NAME = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"')
CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def surface(app) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(rule, method, [(converter, name)]) for every route and method of the app."""
    found = []
    for rule in app.url_map.iter_rules():
        params = [(c or "default", n) for c, n in PLACEHOLDER.findall(rule.rule)]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method, params))
    return found


def endpoint_of(app, rule: str) -> str:
    """The endpoint a rule string is served by."""
    return next(r.endpoint for r in app.url_map.iter_rules() if r.rule == rule)


def url(rule: str, values: dict[str, str]) -> str:
    """The rule with its placeholders filled in, each value quoted as a path segment."""
    return PLACEHOLDER.sub(lambda m: quote(str(values[m.group(2)]), safe=""), rule)


# Bookkeeping a read may touch: when a session was last seen is not a change of state.
VOLATILE_COLUMNS = {"last_seen_at"}


def database_state(app) -> dict[str, list[tuple]]:
    """Every row of every table, volatile bookkeeping columns left out, in a stable order."""
    import sqlalchemy as sa

    from app.extensions import db

    state = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in VOLATILE_COLUMNS]
            rows = db.session.execute(sa.select(*columns)).all()
            state[table.name] = sorted(map(tuple, rows), key=repr)
        db.session.remove()
    return state
