"""What a process keeps of values that never change: bounded, least recently used first out."""

import threading

from assessments.kept import Kept, forget_everything


def test_a_value_is_made_once_under_its_key_and_afresh_without_one():
    kept: Kept[list] = Kept(4)
    made = []

    def make():
        made.append(1)
        return [len(made)]

    first = kept.get_or_make("a", make)
    assert kept.get_or_make("a", make) is first
    assert kept.get_or_make(None, make) == [2]
    assert kept.get_or_make(None, make) == [3]
    assert len(made) == 3
    assert len(kept) == 1


def test_the_least_recently_used_goes_first_when_full():
    kept: Kept[int] = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # now the most recently used
    kept.put("c", 3)
    assert kept.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}
    kept.put_many({"d": 4, "e": 5})
    assert len(kept) == 2
    assert kept.get("d") == 4 and kept.get("e") == 5


def test_falsy_values_are_kept_too():
    kept: Kept[tuple] = Kept(2)
    calls = []
    assert kept.get_or_make("empty", lambda: calls.append(1) or ()) == ()
    assert kept.get_or_make("empty", lambda: calls.append(1) or ()) == ()
    assert calls == [1]


def test_forget_everything_empties_every_kept():
    one, two = Kept(2), Kept(2)
    one.put("a", 1)
    two.put("b", 2)
    forget_everything()
    assert len(one) == len(two) == 0


def test_threads_sharing_it_never_exceed_its_size_nor_lose_a_value():
    kept: Kept[int] = Kept(50)
    wrong = []

    def work(offset):
        for i in range(2000):
            key = (offset + i) % 80
            if kept.get_or_make(key, lambda key=key: key * 2) != key * 2:
                wrong.append(key)

    threads = [threading.Thread(target=work, args=(n * 7,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert len(kept) <= 50
