"""Imports run one way: careerfit (the site) -> assessments -> roles. The ladder app knows
nothing of assessments, no module imports one that imports it back (lazy imports inside
functions included), and the pure modules load without Django."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("careerfit", "roles", "assessments")
# Plain Python: plain data in, plain data out.
PURE_MODULES = (
    "assessments.charts",
    "assessments.kept",
    "assessments.scoring",
    "assessments.scoring_data",
    "roles.document",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for app in APPS for path in (ROOT / app).rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Every project module the file imports, wherever the import statement stands."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {module for module in found if module.split(".")[0] in APPS}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) for name, path in modules.items()}


def test_the_ladder_app_imports_nothing_from_assessments(graph):
    reaching_up = {
        module: sorted(imported for imported in imports if imported.startswith("assessments"))
        for module, imports in graph.items()
        if module.startswith("roles")
    }
    assert {module: up for module, up in reaching_up.items() if up} == {}


def test_no_module_imports_one_that_imports_it_back(graph):
    cycles = []

    def visit(module: str, path: list[str], done: set[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in done:
                visit(imported, [*path, imported], done)
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module], done)
    assert cycles == []


def test_the_models_do_not_import_the_interchange_code(graph):
    assert not any(imported.startswith("roles.interchange") for imported in graph["roles.models"])


def run_python(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "imports-test"},
    )
    return json.loads(result.stdout)


def test_loading_the_ladder_app_loads_nothing_of_assessments():
    # The project's settings without the apps above the ladder app (with them, Django's set-up
    # imports assessments.models itself, and the site's admin too); then every module of the
    # ladder app.
    loaded = run_python(
        "import json, os, pkgutil, sys, importlib\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'careerfit.settings'\n"
        "import django\n"
        "from django.conf import settings\n"
        "settings.INSTALLED_APPS = [\n"
        "    a for a in settings.INSTALLED_APPS if a not in ('careerfit', 'assessments')\n"
        "]\n"
        "django.setup()\n"
        "import roles.models\n"
        "for info in pkgutil.walk_packages(['roles'], 'roles.'):\n"
        "    importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('roles', 'assessments'))))\n"
    )
    assert "roles.models" in loaded and "roles.interchange" in loaded
    assert [module for module in loaded if module.startswith("assessments")] == []


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_modules_load_without_django_or_other_project_modules(module):
    loaded = run_python(
        f"import json, sys\nimport {module}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"('django', *{APPS!r}))))\n"
    )
    # Its package, itself, and only other pure modules (the engine's JSON needs the engine).
    assert module in loaded
    assert set(loaded) <= {module.split(".")[0], *PURE_MODULES}
