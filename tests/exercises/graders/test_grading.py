"""The grader contract every kind shares: registry, limits, scores."""

import pytest

from course.exercises.grading import MAX_SNIPPET_BYTES, Grader, grader_for, kinds, register


def test_the_five_in_process_kinds_are_registered():
    assert set(kinds()) >= {"http-response", "http-request", "route-table", "openapi", "json-document"}


def test_registering_a_kind_twice_raises_at_import_time():
    with pytest.raises(RuntimeError, match="already registered"):
        @register("route-table")
        class Another(Grader):
            pass


@pytest.mark.parametrize("kind", ["http-response", "http-request", "route-table", "openapi", "json-document"])
def test_oversized_nul_and_empty_snippets_are_errors_for_every_kind(kind):
    grader = grader_for(kind)
    too_big = grader.grade("x" * (MAX_SNIPPET_BYTES + 1), ())
    assert too_big.status == "error" and "64 KiB" in too_big.error.message
    nul = grader.grade("abc\ndef\x00", ())
    assert nul.status == "error" and "NUL" in nul.error.message and (nul.error.line, nul.error.column) == (2, 4)
    assert grader.grade("  \n ", ()).status == "error"
    surrogate = grader.grade("GET /\udc80", ())
    assert surrogate.status == "error" and "UTF-8" in surrogate.error.message


def test_score_is_the_share_of_checks_passed(grade):
    result = grade("route-table", "GET /v1/orders\nPOST /v1/create-order\n",
                   {"id": "a", "rule": "version-prefix"}, {"id": "b", "rule": "nouns-not-verbs"},
                   {"id": "c", "rule": "kebab-case"}, {"id": "d", "rule": "no-duplicates"})
    assert result.status == "failed" and result.score == 0.75
