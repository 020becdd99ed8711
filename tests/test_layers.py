"""The package's layering, read from its source (every import, those inside functions included).

papermill's shape: a thin command line (``cli``, the one module that reads arguments and prints)
over plain functions; ``render`` runs papermill and nbconvert in the command's process;
``outputs`` is what the kernel imports to make the run's files. No module may import its way back
to itself, however long the way round.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lks_audit"
NOTEBOOK_MACHINERY = {"papermill", "nbconvert", "nbclient", "nbformat", "jupyter_client"}


def modules(package: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__) for every module under ``package``."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports(name: str, path: Path, is_package: bool, known: set[str]) -> set[str]:
    """Every module ``name`` imports, relative imports resolved: a known module where one is named, else the
    imported name as written (``argparse``, ``papermill.exceptions``)."""
    here = name if is_package else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            for alias in node.names:  # `from . import charts` imports the module lks_audit.outputs.charts
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source)
    found.discard(name)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's own modules it imports."""
    found = modules(package)
    return {
        name: imports(name, path, is_package, set(found)) & set(found) for name, (path, is_package) in found.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, ..., a], or None (depth-first search, the current path kept)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        if module in path:
            return path[path.index(module) :] + [module]
        if module in done:
            return None
        path.append(module)
        for target in sorted(graph[module]):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module)
        if cycle:
            return cycle
    return None


def test_no_import_cycle_between_lks_audit_modules():
    graph = import_graph(PACKAGE)
    assert {"lks_audit.cli", "lks_audit.render.report", "lks_audit.outputs.sections"} <= set(graph)
    assert "lks_audit.files" in graph["lks_audit.render.publish"], "the graph sees relative imports"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "b.py").write_text("def later():\n    from .. import a\n")
    assert find_cycle(import_graph(package)) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_only_the_cli_imports_argparse():
    found = modules(PACKAGE)
    users = sorted(
        name for name, (path, is_package) in found.items() if "argparse" in imports(name, path, is_package, set(found))
    )
    assert users == ["lks_audit.cli"]


def test_the_kernel_side_imports_no_notebook_machinery():
    """outputs/ is what the kernel imports: papermill and nbconvert (and lks_audit.render) stay in the parent."""
    found = modules(PACKAGE)
    reached = {
        name: sorted(
            m
            for m in imports(name, path, is_package, set(found))
            if m.split(".")[0] in NOTEBOOK_MACHINERY or m.startswith("lks_audit.render")
        )
        for name, (path, is_package) in found.items()
        if name.startswith("lks_audit.outputs")
    }
    assert len(reached) >= 10 and {name: [] for name in reached} == reached


def test_every_exception_the_package_defines_is_an_lks_audit_error():
    """One base for what lks-audit raises on purpose (issue 23): a caller catches ``LksAuditError`` and misses
    none, the file a workbook could not be read from and the archive part refused included."""
    import importlib
    import inspect

    from lks_audit.errors import LksAuditError

    defined = set()
    for name in modules(PACKAGE):
        if name.endswith("__main__"):  # runs the command when imported
            continue
        module = importlib.import_module(name)
        defined |= {
            f"{name}.{cls.__name__}"
            for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == name
        }
        defined -= {
            f"{name}.{cls.__name__}"
            for cls in vars(module).values()
            if inspect.isclass(cls) and issubclass(cls, LksAuditError) and cls.__module__ == name
        }
    assert not defined, f"exceptions outside LksAuditError: {sorted(defined)}"


#: The layers, lowest first: the core (reading, rules, findings, the files' names) knows nothing of views; ``outputs``
#: (what the kernel writes) builds on the core; ``render`` (papermill and nbconvert in the command's process) on
#: both; the entry points people call (the package root, the command line, the DPO's notebook API and its JupyterLab)
#: on all of them.
ENTRY_POINTS = {"lks_audit", "lks_audit.cli", "lks_audit.__main__", "lks_audit.explore", "lks_audit.lab"}


def layer(module: str) -> int:
    if module in ENTRY_POINTS:
        return 3
    part = module.split(".")[1] if module.count(".") else ""
    return {"outputs": 1, "render": 2}.get(part, 0)


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    graph = import_graph(PACKAGE)
    upward = {(m, d) for m, deps in graph.items() for d in deps if layer(d) > layer(m)}
    assert upward == set(), "imports running up a layer"
