"""Seeded mistakes in the Belgium release: ours catch every one, pofilter fewer, with more false alarms."""

from __future__ import annotations

import importlib.util

import pytest

from tests import bench_checks


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    if importlib.util.find_spec("translate") is None:
        pytest.skip("Translate Toolkit is not installed (pip install -e '.[test]' installs it)")
    return bench_checks.compare(tmp_path_factory.mktemp("seeded"))


@pytest.mark.parametrize("lang", ["fr", "km"])
def test_ours_catch_every_seeded_mistake(result, lang):
    missed = [name for name, (mine, _) in result["caught"][lang].items() if not mine]
    assert missed == []
    assert len(result["caught"][lang]) >= 12  # the seven of issue 10 and at least five more


@pytest.mark.parametrize("lang", ["fr", "km"])
def test_ours_catch_more_than_pofilter(result, lang):
    seeds = result["caught"][lang].values()
    assert sum(mine for mine, _ in seeds) > sum(theirs for _, theirs in seeds)


def test_no_false_alarm_on_the_clean_samples_and_fewer_than_pofilter(result):
    ours = sum(len(mine) for _, mine, _ in result["alarms"].values())
    theirs = sum(len(found) for _, _, found in result["alarms"].values())
    assert ours == 0
    assert ours < theirs


def test_the_tables_print(result):
    text = bench_checks.tables(result)
    assert "| fr | **total** |" in text and "| **all** |" in text
