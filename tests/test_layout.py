"""The package's layout rule, checked on the source: a module imports from its own folder or a
lower layer; WildMap's delegate methods (result.py) are the one sanctioned upward edge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "wildproblems"

#: Layers, lowest first: foundation, core stages, the map object and its stage factory, the INVI
#: wing, the waves and outputs wings, the scale wing (Dask), and the orchestration on top.
LAYERS = [
    {"_version", "_resources", "errors", "config", "schema", "lang", "provenance"},
    {
        "clean",
        "ingest",
        "segment",
        "embed",
        "embed_ort",
        "cluster",
        "layout",
        "label",
        "lemma",
        "phrases",
        "llm",
        "corpora",
    },
    {"stages", "result"},
    {"model"},
    {"waves", "outputs"},
    {"curate"},
    {"scale"},
    {"pipeline", "quality", "cli", "__init__", "__main__"},
]


def layer_of(module: str) -> int:
    top = module.split(".")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"module {module!r} is in no layer: add it to LAYERS and the README")


def module_name(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module inside the package, line, inside a WildMap method) of one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    package = here[:-1] if path.name != "__init__.py" else here
    if path.name == "__init__.py" and here == ["__init__"]:
        package = []
    delegate_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "WildMap":
            for sub in ast.walk(node):
                if hasattr(sub, "lineno"):
                    delegate_lines.add(sub.lineno)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if not (node.module or "").startswith("wildproblems"):
                    continue
                target = (node.module or "").split(".")[1:]
            else:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = base + (node.module.split(".") if node.module else [])
            if not target:  # "from . import x": x is a module of the package
                target = [node.names[0].name]
            out.append((".".join(target), node.lineno, node.lineno in delegate_lines))
    return out


SOURCES = sorted(p for p in PKG.rglob("*.py") if "_data" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PKG)))
def test_imports_go_down_or_stay_in_the_folder(path):
    me = module_name(path)
    mine = layer_of(me)
    in_sub = path.parent != PKG  # a module of a wing (model/, waves/, outputs/, lang/)
    folder = me.split(".")[0] if in_sub else None
    for target, line, in_delegate in imports(path):
        theirs = layer_of(target)
        same_folder = folder is not None and target.split(".")[0] == folder
        if (
            theirs < mine
            or same_folder
            or (theirs == mine and folder is None and "." not in target)
        ):
            continue
        if me == "result" and in_delegate:
            continue  # WildMap's delegate methods: the sanctioned upward edge
        raise AssertionError(
            f"{path.relative_to(PKG)}:{line} imports {target} (layer {theirs}) from layer {mine}"
        )


def test_every_module_is_in_a_layer():
    for path in SOURCES:
        layer_of(module_name(path))


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    fake = PKG / "segment.py"
    src = fake.read_text(encoding="utf-8") + "\nfrom .outputs.plot import plot_map\n"
    bad = tmp_path / "segment.py"
    bad.write_text(src, encoding="utf-8")
    monkeypatch.setattr(Path, "read_text", lambda self, **kw: src)
    with pytest.raises(AssertionError, match="imports outputs.plot"):
        test_imports_go_down_or_stay_in_the_folder(fake)
