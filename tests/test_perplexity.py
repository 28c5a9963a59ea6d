"""Perplexity scoring and buckets (filters/perplexity.py): cc_net's formula against a hand computation, a held-out
encyclopedic paragraph scoring below shuffled words and navigation boilerplate, the buckets at their cutoffs,
histogram percentiles on hand examples, and QualityModels' languages, remote folders and pickling."""

from __future__ import annotations

import os
import pickle
import random
from pathlib import Path

import fsspec
import pytest
from ccnet_fixtures import town_paragraphs

from filters.perplexity import (
    LanguageModel,
    QualityModels,
    bucket_of,
    cutoffs_from_counts,
    percentile,
    percentile_table,
    pp,
)
from filters.quality_models import model_files, train_language_model

HELD_OUT = (
    "Dellmor is a town in the western part of Karnes. It lies on the left bank of the Orel river, about 40 "
    "kilometres south of Hollin. The town had a population of 5120 at the 1991 census, and its economy has "
    "long been based on farming and tourism."
)
BOILERPLATE = (
    "Home | About us | Contact | Login | Register | Privacy policy | Terms of use | Cookie settings | "
    "Subscribe to our newsletter | Follow us on Facebook | © 2024 All rights reserved"
)


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("quality-models")
    train_language_model("en", town_paragraphs(seed=1, paragraphs=300), str(folder))
    (folder / "fr.sp.model").write_bytes((folder / "en.sp.model").read_bytes())  # no fr.arpa.bin: no model
    return str(folder)


@pytest.fixture(scope="module")
def english(models_dir) -> LanguageModel:
    sp_name, lm_name = model_files("en")
    return LanguageModel(f"{models_dir}/{sp_name}", f"{models_dir}/{lm_name}")


def test_pp_is_ten_to_the_minus_mean_log_score():
    assert pp(-6.0, 3) == pytest.approx(100.0)
    assert pp(-2.5, 5) == pytest.approx(10**0.5)
    assert pp(0.0, 7) == 1.0


def test_perplexity_is_the_rounded_pp_of_the_summed_line_scores(english):
    text = "The Town had a population of 1200.\n\n   \nIts economy is based on FISHING."
    log_score, length = 0.0, 0
    for line in ("the town had a population of 0000.", "its economy is based on fishing."):
        pieces = english.sp.encode(line, out_type=str)
        log_score += english.lm.score(" ".join(pieces), bos=True, eos=True)
        length += len(pieces) + 1
    assert english.score_lines(text) == (pytest.approx(log_score), length)
    assert english.perplexity(text) == round(10 ** (-log_score / length), 1)


def test_normalization_comes_first(english):
    assert english.perplexity("The town had 1999 people.") == english.perplexity("THE TOWN HAD 2024 PEOPLE.")
    assert english.perplexity("Café in the town.") == english.perplexity("cafe in the town.")


def test_a_text_without_a_scored_line_has_no_perplexity(english):
    assert english.score_lines("\n  \n\t\n") == (0.0, 0)
    assert english.perplexity("") is None


def test_a_held_out_paragraph_beats_its_shuffled_words_and_boilerplate(english):
    words = HELD_OUT.split()
    random.Random(0).shuffle(words)
    held_out = english.perplexity(HELD_OUT)
    shuffled = english.perplexity(" ".join(words))
    boilerplate = english.perplexity(BOILERPLATE)
    assert held_out is not None and shuffled is not None and boilerplate is not None
    assert held_out < shuffled and held_out < boilerplate
    assert held_out * 2 < min(shuffled, boilerplate)


def test_quality_models_finds_languages_with_both_files(models_dir, english):
    models = QualityModels(models_dir)
    assert models.languages == ("en",)
    assert models.perplexity(HELD_OUT, "en") == english.perplexity(HELD_OUT)
    assert models.model("en") is models.model("en")  # loaded once
    assert models.perplexity(HELD_OUT, "fr") is None  # an .sp.model alone is no model
    assert models.perplexity(HELD_OUT, "de") is None
    assert models.perplexity(HELD_OUT, None) is None
    assert QualityModels(f"{models_dir}/absent").languages == ()
    assert QualityModels(f"file://{models_dir}").perplexity(HELD_OUT, "en") == english.perplexity(HELD_OUT)


def test_quality_models_pickles_cheaply_and_loads_where_unpickled(models_dir):
    models = QualityModels(models_dir)
    before = pickle.dumps(models)
    assert len(before) < 1_000 and not models._models
    expected = models.perplexity(HELD_OUT, "en")
    after = pickle.loads(pickle.dumps(models))  # the loaded models stay behind
    assert len(pickle.dumps(models)) == len(before)
    assert not after._models and after.languages == ("en",)
    assert after.perplexity(HELD_OUT, "en") == expected
    restored = pickle.loads(before)
    restored.setup()
    assert set(restored._models) == {"en"}


def test_quality_models_copies_a_remote_folder_once(models_dir):
    fs = fsspec.filesystem("memory")
    for name in (*model_files("en"), "fr.sp.model"):
        fs.pipe(f"/pp-test/{name}", Path(models_dir, name).read_bytes())
    try:
        models = QualityModels("memory://pp-test")
        assert models.languages == ("en",)
        assert models.perplexity(HELD_OUT, "en") == QualityModels(models_dir).perplexity(HELD_OUT, "en")
        local = models._local
        assert local is not None and sorted(os.listdir(local)) == sorted(model_files("en"))
        models.close()
        assert not os.path.exists(local)
    finally:
        fs.rm("/pp-test", recursive=True)


@pytest.mark.parametrize(
    ("perplexity", "bucket"),
    [
        (10.0, "head"),
        (339.9, "head"),
        (340.0, "middle"),  # pp == p30 is not below it
        (340.1, "middle"),
        (519.9, "middle"),
        (520.0, "tail"),  # pp == p60 likewise
        (5000.0, "tail"),
        (None, "all"),
    ],
)
def test_bucket_of_at_and_around_the_cutoffs(perplexity, bucket):
    assert bucket_of(perplexity, (340.0, 520.0)) == bucket


def test_no_cutoffs_is_bucket_all():
    assert bucket_of(120.0, None) == "all"


def test_percentile_is_nearest_rank():
    counts = {1.0: 1, 2.0: 1, 3.0: 1, 4.0: 1}
    assert [percentile(counts, q) for q in (0, 25, 26, 50, 51, 75, 76, 100)] == [1, 1, 2, 2, 3, 3, 4, 4]
    weighted = {20.0: 1, 10.0: 3, 99.0: 0}  # unordered; a zero count is no value
    assert percentile(weighted, 75) == 10.0 and percentile(weighted, 76) == 20.0
    assert percentile(weighted, 100) == 20.0 and percentile(weighted, 0) == 10.0
    with pytest.raises(ValueError):
        percentile({}, 50)
    with pytest.raises(ValueError):
        percentile(counts, 101)


def test_cutoffs_and_table_from_counts():
    counts = {float(v): 1 for v in range(1, 11)}
    assert cutoffs_from_counts(counts) == (3.0, 6.0)
    assert cutoffs_from_counts(counts, (10, 90)) == (1.0, 9.0)
    table = percentile_table(counts)
    assert len(table) == 101 and table[0] == 1.0 and table[100] == 10.0
    assert table[30] == 3.0 and table[31] == 4.0 and table == sorted(table)
    merged: dict[float, int] = {}
    for part in ({1.0: 2, 5.0: 1}, {5.0: 1, 9.0: 1}):  # a combine merges histograms by adding counts
        for value, count in part.items():
            merged[value] = merged.get(value, 0) + count
    assert percentile_table(merged)[50] == 5.0
