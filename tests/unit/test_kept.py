"""`calculators.kept.Kept`: the last values worked out, least recently used out."""

from __future__ import annotations

import threading

from calculators.kept import Kept


def test_the_least_recently_used_goes_first():
    kept: Kept[int, str] = Kept(3)
    for k in range(3):
        kept.put(k, str(k))
    assert kept.get(0) == "0"  # 0 is now the most recent: 1 is the oldest
    kept.put(3, "3")
    assert kept.get(1) is None
    assert [kept.get(k) for k in (0, 2, 3)] == ["0", "2", "3"]
    assert len(kept) == 3


def test_putting_on_a_kept_key_replaces_it_where_it_stands():
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.put("a", 10) == 10  # still the oldest
    kept.put("c", 3)
    assert kept.get("a") is None and kept.get("b") == 2 and kept.get("c") == 3


def test_a_value_the_caller_finds_no_longer_valid_is_not_read_and_not_made_recent():
    kept: Kept[str, int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a", -1, valid=lambda v: v > 1) == -1
    kept.put("c", 3)  # "a" was not read: it is still the oldest
    assert kept.get("a") is None and kept.get("b") == 2
    assert kept.get("b", valid=lambda v: v == 2) == 2


def test_clear_forgets_everything():
    kept: Kept[int, int] = Kept(4)
    for k in range(4):
        kept.put(k, k)
    kept.clear()
    assert len(kept) == 0 and kept.get(0) is None


def test_threads_sharing_it_never_see_more_than_the_bound():
    kept: Kept[int, int] = Kept(8)
    sizes: list[int] = []

    def work(start: int) -> None:
        for k in range(start, start + 500):
            kept.put(k % 20, k)
            kept.get((k * 7) % 20)
            sizes.append(len(kept))

    threads = [threading.Thread(target=work, args=(i * 1000,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sizes) == 2000 and max(sizes) <= 8
    assert len(kept) == 8
