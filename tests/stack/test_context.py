"""Source context: Sentry's trimming rules, checked against symbolicator's own test vectors."""

from __future__ import annotations

from smtools.stack.context import context_around, sentry_context, trim_context_line

# getsentry/symbolicator crates/symbolicator-service/src/source_context.rs, test_trim_context_line
LONG = ("The public is more familiar with bad design than good design. It is, in effect, conditioned "
        "to prefer bad design, because that is what it lives with. The new becomes threatening, "
        "the old reassuring.")


def test_short_lines_are_kept() -> None:
    assert trim_context_line("foo", 0) == "foo"


def test_trim_vectors_from_symbolicator() -> None:
    head = ("The public is more familiar with bad design than good design. It is, in effect, "
            "conditioned to prefer bad design, because that is what it li {snip}")
    assert trim_context_line(LONG, 0) == head
    assert trim_context_line(LONG, 10) == head
    assert trim_context_line(LONG, 66) == (
        "{snip} blic is more familiar with bad design than good design. It is, in effect, "
        "conditioned to prefer bad design, because that is what it lives wi {snip}")
    tail = ("{snip} gn. It is, in effect, conditioned to prefer bad design, because that is what it "
            "lives with. The new becomes threatening, the old reassuring.")
    assert trim_context_line(LONG, 190) == tail
    assert trim_context_line(LONG, 9999) == tail


def test_context_around() -> None:
    source = "\n".join(f"line {n}" for n in range(1, 21))
    context = context_around(source, 9, 2)
    assert context is not None
    assert (context.start, context.pre, context.line, context.post) == (
        7, ("line 8", "line 9"), "line 10", ("line 11", "line 12"))
    assert context_around(source, 40) is None


def test_sentry_context_has_five_lines_each_side_clipped_at_the_file_edges() -> None:
    source = "\r\n".join(f"line {n}" for n in range(1, 9))
    context = sentry_context(source, 2, 0)
    assert context is not None
    assert context.pre == ("line 1", "line 2")
    assert context.line == "line 3"
    assert context.post == ("line 4", "line 5", "line 6", "line 7", "line 8")
