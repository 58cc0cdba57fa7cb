"""The house rules of app/, read from the code's own imports (function-level ones too).

- no import cycle between modules (a module importing its own package is fine);
- tenancy, core, observe and web import no feature, and each only the layers below it;
- a feature reaches another feature only through that feature's `service` module;
- service and core modules never touch request, session, g or render templates;
- no tenant's slug in app/; no module over 300 lines.
"""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
GROUND = {"app.config", "app.extensions", "app.persistence"}
# Below every feature, bottom up: tenancy, the core, what operators watch (observe), then
# what pages share (web).
FOUNDATION = {"tenancy", "core", "observe", "web"}
LAYER_ORDER = ["tenancy", "core", "observe", "web"]
# The factory, its error pages and the operator commands stand above every feature.
ABOVE_FEATURES = {"app", "app.errors", "app.cli"}
REQUEST_BOUND = {
    "request",
    "session",
    "g",
    "current_user",
    "render_template",
    "render_template_string",
}
MAX_LINES = 300


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {_module_name(p): p for p in APP.rglob("*.py")}


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rsplit(".", 1)[0]


def _resolve(target: str) -> str | None:
    """The app module an import names (a name imported from a package may be a module)."""
    known = modules()
    while target and target not in known:
        if "." not in target:
            return None
        target = target.rsplit(".", 1)[0]
    return target or None


@cache
def imports() -> dict[str, set[tuple[str, tuple[str, ...]]]]:
    """module -> {(imported app module, names taken from it)}."""
    graph = {}
    for name, path in modules().items():
        package = _package(name, path)
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (hit := _resolve(alias.name)) is not None:
                        found.add((hit, ()))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                names = []
                for alias in node.names:
                    if f"{source}.{alias.name}" in modules():
                        found.add((f"{source}.{alias.name}", ()))
                    else:
                        names.append(alias.name)
                # `from pkg import mod` runs pkg/__init__.py too: a cycle through a package's
                # init_app counts (hence `import app.x.service as x` between features).
                if (hit := _resolve(source)) is not None:
                    found.add((hit, tuple(names)))
        graph[name] = {(t, n) for t, n in found if t != name}
    return graph


def _edges(name: str) -> set[str]:
    own_packages = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)}
    return {t for t, _ in imports()[name] if t not in own_packages}


def _feature(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) < 2 or name in GROUND or name in ABOVE_FEATURES:
        return None
    return parts[1] if parts[1] not in FOUNDATION else None


def _layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FOUNDATION else None


def test_no_import_cycles():
    graph = {name: _edges(name) for name in modules()}
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_foundation_knows_no_feature():
    wrong = []
    for name in modules():
        layer = _layer(name)
        if layer is None:
            continue
        for target in _edges(name):
            if _feature(target) is not None or target in ABOVE_FEATURES:
                wrong.append(f"{name} imports {target}")
            elif (other := _layer(target)) and LAYER_ORDER.index(other) > LAYER_ORDER.index(layer):
                wrong.append(f"{name} imports {target} ({layer} stands below {other})")
    assert not wrong, "\n".join(wrong)


def test_features_meet_only_through_services():
    wrong = []
    for name in modules():
        mine = _feature(name)
        if mine is None:
            continue
        for target in _edges(name):
            theirs = _feature(target)
            if theirs is None or theirs == mine:
                continue
            if target != f"app.{theirs}.service":
                wrong.append(f"{name} imports {target}")
    assert not wrong, "features reach other features only through service.py:\n" + "\n".join(
        sorted(wrong)
    )


def _request_names(name: str) -> set[str]:
    taken = set()
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {
            "flask",
            "flask.templating",
            "flask_login",
        }:
            taken |= {a.name for a in node.names} & REQUEST_BOUND
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in REQUEST_BOUND
            and isinstance(node.value, ast.Name)
            and node.value.id == "flask"
        ):
            taken.add(node.attr)
    return taken


def test_services_and_core_do_not_read_the_request():
    wrong = []
    for name in modules():
        bound = name.endswith(".service") or _layer(name) == "core"
        if bound and (taken := _request_names(name)):
            wrong.append(f"{name} uses {', '.join(sorted(taken))}")
    assert not wrong, "\n".join(wrong)


# Besides the views (*routes.py): the session hooks of auth and of the staff console, and
# notify, whose job is rendering the texts it sends.
REQUEST_HOOKS = {"app.auth.sessions", "app.staff.access"}
RENDERS_MESSAGES = {"app.notify.messages"}


def test_in_a_feature_only_views_touch_the_request():
    """Domain modules take the tenant and the subscriber as arguments."""
    wrong = []
    for name in modules():
        if _feature(name) is None or name.split(".")[-1].endswith("routes"):
            continue
        taken = _request_names(name)
        if name in REQUEST_HOOKS:
            taken -= REQUEST_BOUND
        if name in RENDERS_MESSAGES:
            taken -= {"render_template"}
        if taken:
            wrong.append(f"{name} uses {', '.join(sorted(taken))}")
    assert not wrong, "\n".join(wrong)


def _slugs() -> set[str]:
    folders = [ROOT / "tenants", ROOT / "tests" / "data" / "tenants"]
    return {p.name for f in folders for p in f.iterdir() if (p / "tenant.yaml").is_file()}


def test_no_tenant_slug_in_the_application():
    slugs = _slugs()
    assert {"acme"} < slugs
    named = re.compile(r"\b(" + "|".join(map(re.escape, sorted(slugs))) + r")\b", re.IGNORECASE)
    wrong = []
    for path in APP.rglob("*"):
        if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".txt"}:
            for found in named.finditer(path.read_text(encoding="utf-8")):
                wrong.append(f"{path.relative_to(ROOT)} names {found.group(0)}")
    assert not wrong, "behaviour that differs per ISP belongs in its YAML:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(modules()))
def test_module_size(name):
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it along its seams"


def test_views_leave_the_commit_to_the_request():
    """The request commits once after the view; a view that must commit earlier says why."""
    wrong = []
    for name, path in modules().items():
        if not name.split(".")[-1].endswith("routes"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if "session.commit()" not in line:
                continue
            said = "#" in line or lines[number - 2].strip().startswith("#")
            if not said:
                wrong.append(f"{path.relative_to(ROOT)}:{number}")
    assert not wrong, "commits in views without a reason:\n" + "\n".join(wrong)


# The cabinet's own root pages: the dashboard, login, logout and the password page.
ROOT_BLUEPRINTS = {"account", "auth"}


def test_each_area_lives_under_its_blueprints_prefix(app):
    """A feature's pages share its url_prefix, set once on the blueprint."""
    wrong = []
    for name, blueprint in app.blueprints.items():
        rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(f"{name}.")]
        if not rules or name in ROOT_BLUEPRINTS:
            continue
        prefix = blueprint.url_prefix
        if not prefix:
            wrong.append(f"{name} has pages but no url_prefix")
            continue
        wrong += [f"{r.rule} is outside {prefix}" for r in rules if not r.rule.startswith(prefix)]
    assert not wrong, "\n".join(wrong)


def test_rows_are_fetched_by_key_only_with_their_tenant():
    """db.session.get by a bare id would find another ISP's row; get_owned checks the tenant."""
    wrong = [
        f"{path.relative_to(ROOT)}:{number}"
        for name, path in modules().items()
        if name != "app.core.scoped"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "db.session.get(" in line
    ]
    assert not wrong, "use app.core.scoped.get_owned:\n" + "\n".join(wrong)
