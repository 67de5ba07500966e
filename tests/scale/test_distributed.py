"""wp.map(..., client=...) on a LocalCluster with two worker processes started by the tests."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import pytest

import wildproblems as wp

distributed = pytest.importorskip("distributed")

from conftest import TINY_ROLES, CountingEmbedder  # noqa: E402  (tests/ is on sys.path)


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes, stopped when the module's tests are done."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        memory_limit="1GiB",
    )
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def _bigger(tiny: pd.DataFrame, copies: int) -> pd.DataFrame:
    """``tiny`` repeated with a distinct suffix per copy (distinct texts and ids)."""
    parts = []
    for k in range(copies):
        p = tiny.copy()
        p["svar"] = p["svar"] + f" variant{k}"
        p["id"] = p["id"] + f"-{k}"
        parts.append(p)
    return pd.concat(parts, ignore_index=True)


def test_below_the_sample_size_the_cluster_gives_the_single_process_map(tiny_da, client):
    emb = CountingEmbedder()
    local = wp.map(tiny_da, **TINY_ROLES, embedder=emb, progress=False, random_state=0)
    dist = wp.map(
        tiny_da,
        **TINY_ROLES,
        embedder=CountingEmbedder(),
        progress=False,
        random_state=0,
        client=client,
    )
    assert dist.units["cluster"].tolist() == local.units["cluster"].tolist()
    assert dist.units["label"].tolist() == local.units["label"].tolist()
    pd.testing.assert_frame_equal(dist.clusters, local.clusters)
    assert dist.units["cluster_theme"].tolist() == local.units["cluster_theme"].tolist()
    np.testing.assert_allclose(dist.units[["x", "y"]], local.units[["x", "y"]], atol=1e-4)
    rec = dist.provenance["distributed"]
    assert rec["sample"] is None and rec["n_workers"] == 2
    assert sum(w.get("texts", 0) for w in rec["workers"].values()) == len(
        dict.fromkeys(dist.units["text"])
    )
    assert dist.provenance["embedder"] == CountingEmbedder.model_id


def test_above_the_sample_size_every_unit_is_placed_and_the_map_works(tiny_da, client, tmp_path):
    data = _bigger(tiny_da, 4)  # 192 answers
    m = wp.map(
        data,
        **TINY_ROLES,
        embedder=CountingEmbedder(),
        progress=False,
        random_state=0,
        client=client,
        sample_size=60,
        segment=False,
    )
    rec = m.provenance["distributed"]
    assert rec["sample"]["size"] == 60 and rec["sample"]["placed"] == len(m.units) - 60
    assert len(m.units) == len(data)
    assert m.units["placed"].sum() == len(m.units) - 60
    placed = m.units[m.units["placed"]]
    # every unit has a cluster key of a cluster in the table (or the unclustered key of its kind)
    keys = set(m.clusters["cluster_key"])
    assert all(k in keys or k.endswith(":-1") for k in placed["cluster_key"])
    assert (placed["cluster"] >= 0).mean() > 0.5
    assert (m.units["cluster_theme"] >= 0).all() and (m.units["cluster_code"] >= 0).all()
    # each placed unit got the vote of the sample units of its own kind (a scattered dict once
    # made every kind vote among the first kind's units)
    from wildproblems.waves.place import _top_k, _vote

    u = m.units
    for kind in m.kinds:
        ref = np.where((u["kind"] == kind).to_numpy() & ~u["placed"].to_numpy())[0]
        todo = np.where((u["kind"] == kind).to_numpy() & u["placed"].to_numpy())[0]
        sims, idx = _top_k(m.embeddings[todo], m.embeddings[ref], 5)
        xy = u[["x", "y"]].to_numpy(dtype=np.float64)[ref]
        want = _vote(sims, idx, u["cluster"].to_numpy()[ref], xy, 5, None)[0]
        assert u["cluster"].to_numpy()[todo].tolist() == want.tolist(), kind
    # sizes are counted over all units, not over the sample
    assert m.clusters["size"].sum() == (m.units["cluster"] >= 0).sum()
    assert sum(w.get("placed", 0) for w in rec["workers"].values()) == len(m.units) - 60
    # quotes name units of the map
    ids = set(m.units["unit_id"])
    assert all(q in ids for qs in m.clusters["quote_ids"] for q in qs)
    # an ordinary WildMap: save, load, assign
    path = tmp_path / "big.wpmap"
    m.save(str(path))
    back = wp.load(str(path))
    assert back.units["cluster"].tolist() == m.units["cluster"].tolist()
    wave = back.assign(tiny_da.head(10), **TINY_ROLES, embedder=CountingEmbedder())
    assert len(wave.units) >= 10
    cmp = back.compare(wave)
    assert set(m.clusters["cluster_key"]) <= set(cmp.clusters["cluster_key"])
    m.report(str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert all(escape(label) in page for label in m.clusters["label"].head(3))


def test_the_sample_is_chosen_by_text_hash_not_by_row_order(tiny_da, client):
    data = _bigger(tiny_da, 3)
    kw = dict(embedder=CountingEmbedder(), progress=False, client=client, sample_size=50)
    a = wp.map(data, **TINY_ROLES, segment=False, **kw)
    b = wp.map(data.iloc[::-1].reset_index(drop=True), **TINY_ROLES, segment=False, **kw)
    pa = dict(zip(a.units["unit_id"], a.units["placed"]))
    pb = dict(zip(b.units["unit_id"], b.units["placed"]))
    assert pa == pb


def _register_counting() -> None:
    """Registers the fake embedder under a name, in whichever process runs it."""
    from conftest import CountingEmbedder

    wp.register_embedder("test/counting")(lambda prefix="query", batch_size=64: CountingEmbedder())


def test_the_cli_runs_on_a_scheduler_and_records_the_workers(client, tmp_path):
    import json

    from conftest import DATA

    from wildproblems.cli import main

    _register_counting()
    client.run(_register_counting)  # the workers build the named embedder themselves
    out = tmp_path / "out"
    code = main(
        [
            "map",
            str(DATA / "tiny_da.csv"),
            "--text",
            "svar",
            "--respondent",
            "politiker",
            "--kind",
            "type",
            "--id",
            "id",
            "--embedder",
            "test/counting",
            "--out",
            str(out),
            "--quiet",
            "--scheduler",
            client.scheduler.address,
            "--sample-size",
            "30",
        ]
    )
    assert code == 0
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    rec = prov["distributed"]
    assert rec["n_workers"] == 2 and rec["sample"]["size"] == 30
    assert prov["embedder"] == CountingEmbedder.model_id


def test_a_scheduler_that_is_not_there_is_a_clear_cli_error(tmp_path, capsys, monkeypatch):
    from conftest import DATA

    from wildproblems.cli import main

    def refuse(address, **kw):  # what distributed.Client raises when nothing listens
        raise OSError(f"Timed out trying to connect to {address}")

    monkeypatch.setattr(distributed, "Client", refuse)
    argv = ["map", str(DATA / "tiny_da.csv"), "--text", "svar", "--out", str(tmp_path)]
    code = main([*argv, "--quiet", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    assert "tcp://127.0.0.1:9" in capsys.readouterr().err


def test_keywords_of_a_sampled_map_come_from_all_units(tiny_da, client):
    """The keywords summed over partitions are those the single-process labeller gives when it
    is run on all units with the placed clusters."""
    from wildproblems.stages import build_stages

    data = _bigger(tiny_da, 3)
    m = wp.map(
        data,
        **TINY_ROLES,
        embedder=CountingEmbedder(),
        progress=False,
        client=client,
        sample_size=50,
        segment=False,
    )
    labeler = build_stages(m.config, embedder=CountingEmbedder()).labeler
    for kind in m.kinds:
        idx = np.where(m.units["kind"].to_numpy() == kind)[0]
        u = m.units.iloc[idx]
        want = labeler.fit_transform(
            u["text"].tolist(),
            u["cluster"].to_numpy(),
            m.embeddings[idx],
            u["respondent"].tolist(),
        )
        got = m.clusters[m.clusters["kind"] == kind]
        assert got["keywords"].tolist() == want["keywords"].tolist()


def test_a_parquet_glob_and_a_dask_dataframe_give_the_map_of_the_dataframe(
    tiny_da, client, tmp_path
):
    import dask.dataframe as dd

    kw = dict(**TINY_ROLES, embedder=CountingEmbedder(), progress=False, client=client)
    ref = wp.map(tiny_da, **kw)
    tiny_da.iloc[:20].to_parquet(tmp_path / "part-0.parquet")
    tiny_da.iloc[20:].to_parquet(tmp_path / "part-1.parquet")
    from_glob = wp.map(str(tmp_path / "*.parquet"), **kw)
    from_dask = wp.map(dd.from_pandas(tiny_da, npartitions=3), **kw)
    for m in (from_glob, from_dask):
        assert m.units["unit_id"].tolist() == ref.units["unit_id"].tolist()
        assert m.units["cluster"].tolist() == ref.units["cluster"].tolist()
        assert m.clusters["label"].tolist() == ref.clusters["label"].tolist()


def test_a_model_above_the_sample_size_runs_on_all_units(tiny_da, client, tmp_path):
    """Kinds are classified for every unit before the sample is drawn, and the pathways,
    respondents and corners are those of all units; the map saves, loads and places a wave."""
    data = _bigger(tiny_da, 3)  # 144 answers
    roles = {k: v for k, v in TINY_ROLES.items() if k != "kind"}
    m = wp.map(
        data,
        **roles,
        embedder=CountingEmbedder(),
        progress=False,
        random_state=0,
        client=client,
        sample_size=60,
        segment=False,
        model="velfaerd-2035",
        group="parti",
    )
    rec = m.provenance["distributed"]
    assert rec["sample"]["size"] == 60 and "model" in rec["sample"]
    assert "classify" in m.provenance["timings_s"] and "model" in m.provenance["timings_s"]
    assert (m.units["kind_source"] == "classified").all()
    assert m.provenance["model"]["id"] == "velfaerd-2035"
    # the model's tables count all units, placed ones included
    assert m.pathways is not None and len(m.pathways) > 0
    assert set(m.respondents["respondent"]) == set(data["politiker"])
    assert m.corners is not None and len(m.corners) > 0
    # the sample map saw the classified kinds: every placed unit voted within its own kind
    keys = set(m.clusters["cluster_key"])
    assert all(k in keys or k.endswith(":-1") for k in m.units["cluster_key"])
    back = wp.load(m.save(tmp_path / "model.wpmap"))
    assert back.model_spec is not None and back.model_spec.id == "velfaerd-2035"
    wave = back.assign(tiny_da.head(12), **roles, embedder=CountingEmbedder(), wave="2")
    assert wave.pathways is not None and (wave.units["kind_source"] == "classified").all()


def test_edits_are_replayed_on_the_cluster_path(tiny_da, client):
    local = wp.map(tiny_da, **TINY_ROLES, embedder=CountingEmbedder(), progress=False)
    key = local.clusters["cluster_key"].iloc[0]
    edits = local.rename(key, "Omdøbt af analytikeren").edits
    dist = wp.map(
        tiny_da,
        **TINY_ROLES,
        embedder=CountingEmbedder(),
        progress=False,
        client=client,
        edits=edits,
    )
    assert dist.clusters.set_index("cluster_key").loc[key, "label"] == "Omdøbt af analytikeren"
    assert dist.provenance["curation"]["not_applied"] == []
    assert dist.provenance["distributed"]["n_workers"] == 2
