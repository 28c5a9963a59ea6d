import pytest
from kvstore import open_store


def test_set_get_roundtrip(tmp_path):
    store = open_store(tmp_path / "db.log")
    store.set("colour", "teal")
    store.set("count", 3)
    assert store.get("colour") == "teal"
    assert store.get("count") == 3
    assert store.get("missing", "none") == "none"


def test_replay_after_reopen(tmp_path):
    path = tmp_path / "db.log"
    store = open_store(path)
    store.set("a", [1, 2])
    store.set("b", {"x": True})
    store.delete("a")
    again = open_store(path)
    assert again.keys() == ["b"]
    assert len(again) == 1


def test_compact_keeps_live_keys(tmp_path):
    path = tmp_path / "db.log"
    store = open_store(path)
    for i in range(10):
        store.set("k", i)
    store.compact()
    assert path.read_text().count("\n") == 1
    assert open_store(path).get("k") == 9


@pytest.mark.parametrize("bad", ["", "a\nb", "x" * 300])
def test_bad_keys_are_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        open_store(tmp_path / "db.log").set(bad, 1)
