"""Two processes sharing jobs (`layergen.formatting.sharing`), and black's work on a few
texts shared that way (`pieces.format_all_telling`): the same results as one process."""

import os
import time

import pytest
from test_format_pieces import EXAMPLES, MODE, MemoryCache, black

from layergen.formatting import pieces as format_pieces
from layergen.formatting import sharing

pytestmark = pytest.mark.skipif(not sharing.available(), reason="the helper is forked: Linux")


def _results(outcomes):
    return [outcome.get() for outcome in outcomes]


def test_results_come_back_in_order_and_both_processes_take_jobs():
    def job(index):
        time.sleep(0.02)  # long enough that the helper, once forked, takes some
        return index * index, os.getpid()

    outcomes = _results(sharing.share([1] * 12, job))
    assert [square for square, _ in outcomes] == [index * index for index in range(12)]
    assert len({pid for _, pid in outcomes}) == 2
    assert os.getpid() in {pid for _, pid in outcomes}


def test_a_failing_job_raises_where_its_result_is_taken():
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("no")

    def job(index):
        time.sleep(0.01)
        if index == 2:
            raise ValueError("two")
        if index == 3:
            raise Unpicklable("three")
        return index

    outcomes = sharing.share([1] * 6, job)
    assert [outcomes[i].get() for i in (0, 1, 4, 5)] == [0, 1, 4, 5]
    with pytest.raises(ValueError, match="two"):
        outcomes[2].get()
    with pytest.raises(Exception, match="three"):  # from the helper: told as a RuntimeError
        outcomes[3].get()


def test_the_jobs_of_a_helper_that_dies_are_done_here():
    parent = os.getpid()

    def job(index):
        if os.getpid() != parent:
            os._exit(3)  # the helper dies on its first job
        time.sleep(0.01)
        return index

    assert _results(sharing.share([1] * 8, job)) == list(range(8))


def test_one_job_is_not_shared():
    assert _results(sharing.share([5], lambda index: os.getpid())) == [os.getpid()]


def test_the_examples_formatted_together_are_black_on_each():
    cache = MemoryCache()
    results = format_pieces.format_all_telling(EXAMPLES, cache, black, MODE, sharing.share)
    assert [text for text, _ in results] == [black(text) for text in EXAMPLES]
    assert not any(from_cache for _, from_cache in results[:2])  # nothing was cached yet
    assert cache, "the pieces formatted are cached"


def test_a_text_with_cached_pieces_says_so_and_formats_only_the_new_ones():
    text = EXAMPLES[0]
    pieces = format_pieces.split(text)
    assert pieces is not None and len(pieces) > 2
    cache = MemoryCache()
    format_pieces.format_all_telling([text], cache, black, MODE, sharing.share)
    edited = text.replace(pieces[1].text, pieces[1].text.replace('"""', '"""Edited. ', 1), 1)
    formatted = []

    def counting_black(piece):
        formatted.append(piece)
        return black(piece)

    [(result, from_cache)] = format_pieces.format_all_telling([edited], cache, counting_black, MODE, sharing.share)
    assert result == black(edited)
    assert from_cache
    assert len(formatted) == 1, "only the edited piece"
