"""The Dask engine gives the local engine's CSVs, loads spaCy once per worker, survives a worker
that dies mid-run (Dask retries its tasks)."""
from __future__ import annotations

import logging
import os
import random
import threading
import time

import pytest

from pipeline.api import run, write_outputs
from pipeline.config import Settings

from conftest import ROOT

dask_distributed = pytest.importorskip("dask.distributed")
pytestmark = pytest.mark.slow
OUTPUTS = ("facts.csv", "mentions.csv", "conflicts.csv", "entities.csv", "provenance.csv", "errors.csv", "facts.parquet",
           "mentions.parquet", "datapackage.json")
TEMPLATE = ("{place}, March {day}, 2024 – {company} will invest €{amount} million in its {place} plant, which "
            "produced {volume:,} vehicles in 2023 and employs {staff:,} people. {person}, CEO of {company}, said so.")


@pytest.fixture(scope="module")
def client():
    cluster = dask_distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
    with dask_distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _synthetic(folder, n):
    rng = random.Random(11)
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"r{i:04d}.txt").write_text(TEMPLATE.format(
            place=rng.choice(["Ghent", "Kolin", "Flins", "Zwickau"]), company=rng.choice(["Volvo", "Toyota", "Renault"]),
            day=rng.randint(1, 28), amount=100 + i, volume=rng.choice([50_000, 60_000]),
            staff=rng.choice([2000, 3000]), person=rng.choice(["Ann Lee", "Jim Rowan"])), encoding="utf-8")


def _both(inputs, tmp, client, **kw):
    from pipeline.distributed import run_dask

    local = Settings(patterns_dir=ROOT / "patterns", out=tmp / "local" / "facts.csv", mentions=tmp / "local" / "mentions.csv",
                     use_store=False)
    run(inputs, local, write=True)
    remote = Settings(patterns_dir=ROOT / "patterns", out=tmp / "dask" / "facts.csv", mentions=tmp / "dask" / "mentions.csv")
    result = run_dask(inputs, remote, client=client, **kw)
    write_outputs(result, remote)
    for name in OUTPUTS:
        assert (tmp / "dask" / name).read_bytes() == (tmp / "local" / name).read_bytes(), name
    return result


def test_seeds_same_csvs_as_local(tmp_path, client):
    result = _both([ROOT / "seeds"], tmp_path, client)
    assert result.pipeline_builds == 1


def test_synthetic_500_same_csvs_as_local(tmp_path, client):
    _synthetic(tmp_path / "in", 500)
    result = _both([tmp_path / "in"], tmp_path, client, partition_size=25)
    assert len(result.articles) == 500 and result.pipeline_builds == 1


def test_a_killed_worker_is_survived(tmp_path, client):
    _synthetic(tmp_path / "in", 160)

    killed: list[str] = []

    def kill_one_worker():
        time.sleep(3)
        workers = list(client.scheduler_info()["workers"])
        killed.append(workers[0])
        try:
            client.run(lambda: os._exit(1), workers=workers[:1])
        except Exception:  # the worker dies before it can answer: CommClosedError is the expected reply
            pass

    killer = threading.Thread(target=kill_one_worker)
    killer.start()
    _both([tmp_path / "in"], tmp_path, client, partition_size=10)
    killer.join()
    assert killed and killed[0] not in client.scheduler_info()["workers"]  # that worker process is gone
