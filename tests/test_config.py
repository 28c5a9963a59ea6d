"""The recipe config: defaults, validation messages that name the key, and the shipped recipes."""

from __future__ import annotations

import pytest

from pipeline.config import TABLE1_WEIGHTS, load_recipe, recipe_from_dict
from pipeline.errors import ConfigError
from tests.conftest import REPO


def test_defaults_follow_the_paper():
    recipe = recipe_from_dict({})
    assert recipe.ingest.min_length == 300
    assert recipe.langid.threshold == 0.5
    assert recipe.tokenizer.vocab_size == 32000
    assert recipe.mixture.seq_len == 2048
    assert recipe.mixture.source_weights() == pytest.approx(TABLE1_WEIGHTS)
    assert sum(TABLE1_WEIGHTS.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"langid": {"treshold": 0.5}}, "langid.treshold: unknown key"),
        ({"langid": {"threshold": 1.5}}, "langid.threshold: must be between"),
        ({"ingest": {"min_length": "300"}}, "ingest.min_length: expected an integer"),
        ({"execution": {"output_shards": -1}}, "execution.output_shards: must be at least 0"),
        ({"execution": {"group_files": -2}}, "execution.group_files: must be at least 0"),
        ({"sources": {"reddit": {"input": "x"}}}, "sources.reddit: unknown source"),
        ({"mixture": {"weights": {"c4": 1}, "epochs": {"c4": 1}}}, "either weights or epochs"),
        ({"mixture": {"weights": {"c5": 1.0}}}, "mixture.weights.c5: unknown source"),
        ({"langid": {"languages": "en"}}, None),  # a single string is accepted as a one-item list
    ],
)
def test_validation_names_the_key(data, message):
    if message is None:
        assert recipe_from_dict(data).langid.languages == ["en"]
        return
    with pytest.raises(ConfigError, match=message):
        recipe_from_dict(data)


def test_load_reports_file_and_yaml_errors(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_recipe(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("langid: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_recipe(bad)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("langid:\n  threshold: high\n")
    with pytest.raises(ConfigError, match=r"wrong.yaml: langid.threshold: expected a number"):
        load_recipe(wrong)


def test_config_hash_tracks_only_named_config_and_the_seed_only_when_asked():
    base = recipe_from_dict({})
    other_tokenizer = recipe_from_dict({"tokenizer": {"vocab_size": 1000}})
    other_langid = recipe_from_dict({"langid": {"threshold": 0.7}})
    other_seed = recipe_from_dict({"seed": 9})
    keys = ("ingest", "langid")
    assert base.config_hash(keys) == other_tokenizer.config_hash(keys) == other_seed.config_hash(keys)
    assert base.config_hash(keys) != other_langid.config_hash(keys)
    assert base.config_hash(keys, seed=True) != other_seed.config_hash(keys, seed=True)
    budget = recipe_from_dict({"mixture": {"token_budget": 10}})
    assert base.config_hash(("mixture.weights",)) == budget.config_hash(("mixture.weights",))
    assert base.config_hash(("mixture",)) != budget.config_hash(("mixture",))


@pytest.mark.parametrize("name", ["sample.yaml", "llama.yaml"])
def test_shipped_recipes_load(name):
    recipe = load_recipe(REPO / "configs" / name)
    assert recipe.path.endswith(name)
    assert "commoncrawl" in recipe.sources


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mixture:\n  max_epochs: .nan\n", "mixture.max_epochs: must be a finite number, got nan"),
        (
            "mixture:\n  weights: {commoncrawl: .inf}\n",
            "mixture.weights.commoncrawl: must be a finite number, got inf",
        ),
        ("mixture:\n  epochs: {c4: -.inf}\n", "mixture.epochs.c4: must be a finite number, got -inf"),
        ("langid:\n  threshold: .NaN\n", "langid.threshold: must be a finite number, got nan"),
        (
            "tokenize:\n  validation_fraction: 1.0e+400\n",
            "tokenize.validation_fraction: must be a finite number",
        ),
        (f"mixture:\n  max_epochs: {10**400}\n", "mixture.max_epochs: must be a finite number"),
        (
            "seed: 18446744073709551616\n",
            "seed: must be between 0 and 18446744073709551615, got 18446744073709551616",
        ),
        ("seed: -1\n", "seed: must be between 0 and 18446744073709551615, got -1"),
    ],
)
def test_non_finite_numbers_and_out_of_range_seeds_are_refused_naming_the_key(tmp_path, text, message):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_recipe(recipe)
    assert str(caught.value).startswith(f"{recipe}: {message}")
    assert "\n" not in str(caught.value)


def test_the_largest_seed_is_accepted(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"seed: {2**64 - 1}\n")
    assert load_recipe(recipe).seed == 2**64 - 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\ntrain:\n  lr: 0.1\n  preset: tiny\n  lr: 0.2\n", "line 5: duplicate key 'lr' in train"),
        ("seed: 1\nname: x\nseed: 2\n", "line 3: duplicate key 'seed'"),
        (
            "mixture:\n  weights:\n    c4: 0.5\n    c4: 0.6\n",
            "line 4: duplicate key 'c4' in mixture.weights",
        ),
        (
            "sources:\n  commoncrawl: {input: [a, b], input: c}\n",
            "line 2: duplicate key 'input' in sources.commoncrawl",
        ),
    ],
)
def test_a_key_given_twice_is_refused_with_its_line(tmp_path, text, message):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_recipe(recipe)
    assert str(caught.value) == f"{recipe}: {message}"


def test_merge_keys_still_override_without_counting_as_duplicates(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("sources:\n  commoncrawl: &cc {input: [a]}\n  c4:\n    <<: *cc\n    input: [b]\n")
    loaded = load_recipe(recipe)
    assert (loaded.sources["commoncrawl"].input, loaded.sources["c4"].input) == (["a"], ["b"])


def test_safe_loading_is_kept(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("name: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(ConfigError, match="not valid YAML at line 1"):
        load_recipe(recipe)


def test_a_recipe_that_is_not_utf8_names_the_line_and_byte(tmp_path):
    recipe = tmp_path / "recipe.yaml"
    recipe.write_bytes(b"name: abc\nlangid:\n  languages: [\xff]\n")
    with pytest.raises(ConfigError) as caught:
        load_recipe(recipe)
    assert str(caught.value) == f"{recipe}: line 3: not UTF-8 (byte 0xff at offset 32)"


def test_relative_paths_in_a_recipe_are_taken_from_its_folder(tmp_path):
    from pipeline.io import resolve_path

    path = tmp_path / "recipes" / "r.yaml"
    path.parent.mkdir()
    path.write_text("quality: {models: models}\nminhash: {reference: [last-year]}\n")
    recipe = load_recipe(path)
    assert recipe.folder == str(path.parent)
    assert resolve_path(recipe.quality.models, recipe.folder) == str(path.parent / "models")
    assert resolve_path("gs://bucket/models", recipe.folder) == "gs://bucket/models"
    assert resolve_path("/abs/models", recipe.folder) == "/abs/models"
    assert resolve_path("models", None) == "models"
