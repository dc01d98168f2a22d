"""Records shared by the stack-trace parsers, the locator and the symbolicator.

Everything here is 0-based (lines and columns; columns in UTF-16 code units),
like the rest of the library. Stack traces and Sentry events print 1-based
positions; :func:`from_printed` and :func:`to_printed` are the only places
where the two conventions meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Syntax families a frame can be written in.
V8 = "v8"                      # Chromium, Electron, Node: "    at fn (url:line:col)"
SPIDERMONKEY = "spidermonkey"  # Firefox: "fn@url:line:col"
JAVASCRIPTCORE = "javascriptcore"  # Safari: "fn@url:line:col", "global code@...", "[native code]"
SENTRY = "sentry"              # a frame object of a Sentry event

# Frame statuses after symbolication.
RESOLVED = "resolved"
UNRESOLVED = "unresolved"
SKIPPED = "skipped"            # runtime/native frames: nothing to resolve

# Reasons a frame stays as it was (stable strings, shown to the user and in JSON).
NO_MAP = "no map"
UNMAPPED = "unmapped position"
FILE_NOT_FOUND = "file not found"
MAP_INVALID = "map invalid"    # followed by ": <detail>"
NO_LOCATION = "no location"
NO_COLUMN = "no column"
RUNTIME_FRAME = "runtime frame"


def from_printed(line: int, column: int | None) -> tuple[int, int | None]:
    """Convert a printed 1-based ``line:column`` to the library's 0-based form.

    V8 (``Error.stack``), SpiderMonkey and JavaScriptCore all print 1-based
    lines *and* 1-based columns, and Sentry's ``lineno``/``colno`` are 1-based
    too (symbolicator subtracts 1 from both before the lookup). This is the one
    place that conversion happens. A printed 0 (seen in some SDK payloads) is
    clamped to 0 rather than going negative.
    """
    return max(line - 1, 0), None if column is None else max(column - 1, 0)


def to_printed(line: int, column: int | None) -> tuple[int, int | None]:
    """Convert a 0-based library position back to the printed 1-based form."""
    return line + 1, None if column is None else column + 1


@dataclass(frozen=True)
class Frame:
    """One stack frame as it appeared in the input.

    Attributes:
        url: the location as printed (``file:///C:/...``, ``app:///...``, a path),
            or the eval origin's location for eval frames; None when the frame
            has no location (``<anonymous>``, ``native``, ``[native code]``).
        line: 0-based generated line, or None.
        column: 0-based generated column (UTF-16 code units), or None.
        function: the (minified) function name as printed, without ``new``/``async``.
        syntax: one of ``v8``, ``spidermonkey``, ``javascriptcore``, ``sentry``.
        raw: the frame's text exactly as in the input (the whole line for text input).
        is_constructor / is_async / is_eval: markers printed with the frame.
        prefix: for text input, what preceded the frame on its line (indentation,
            a log prefix) so that the line can be rewritten in place.
        location_text: the printed location (what stands inside the parentheses).
    """

    url: str | None
    line: int | None
    column: int | None
    function: str | None = None
    syntax: str = V8
    raw: str = ""
    is_constructor: bool = False
    is_async: bool = False
    is_eval: bool = False
    prefix: str = ""
    location_text: str = ""

    @property
    def has_position(self) -> bool:
        return self.url is not None and self.line is not None


@dataclass(frozen=True)
class Context:
    """Lines of original source around a resolved position.

    ``start`` is the 0-based line number of ``lines[0]``; ``focus`` the index in
    ``lines`` of the resolved line.
    """

    start: int
    lines: tuple[str, ...]
    focus: int

    @property
    def pre(self) -> tuple[str, ...]:
        return self.lines[:self.focus]

    @property
    def line(self) -> str:
        return self.lines[self.focus]

    @property
    def post(self) -> tuple[str, ...]:
        return self.lines[self.focus + 1:]


@dataclass(frozen=True)
class Resolution:
    """The outcome of symbolicating one frame.

    Attributes:
        frame: the input frame.
        status: ``resolved``, ``unresolved`` or ``skipped``.
        reason: why the frame was not resolved (None when resolved).
        file: the local file the frame URL was matched to (bundle or map).
        map_path: the source map used, when one was found.
        matched_by: how ``file`` was found: ``debug-id``, ``map-url`` or ``url``.
        source: original source as the map gives it (``sourceRoot`` applied).
        line / column: 0-based original position.
        name: original function name, or None.
        name_from: how ``name`` was found: ``scope`` (enclosing function in the
            original source), ``caller`` (the name mapped at the calling frame's
            call site) or ``minified`` (kept as printed).
        token_name: the name the map records at the frame's own position.
        source_text: the original source file's text (``sourcesContent``, or a local
            file, see ``source_text_from``).
        source_text_from: ``sourcesContent`` or the path of the local file read.
    """

    frame: Frame
    status: str
    reason: str | None = None
    file: str | None = None
    map_path: str | None = None
    matched_by: str | None = None
    source: str | None = None
    line: int | None = None
    column: int | None = None
    name: str | None = None
    name_from: str | None = None
    token_name: str | None = None
    source_text: str | None = field(default=None, repr=False, compare=False)
    source_text_from: str | None = None

    @property
    def resolved(self) -> bool:
        return self.status == RESOLVED
