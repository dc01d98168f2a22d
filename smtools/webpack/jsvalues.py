"""Values of the static JavaScript evaluator (no project code is ever executed).

The evaluator knows a value (:class:`Const`, :class:`Obj`, :class:`Arr`,
:class:`Module`, :class:`Instance`, :class:`Function`) or says it does not
(:class:`Unknown`, with the reason in words). Objects and arrays are mutable
and shared by reference, as in JavaScript, so ``module.exports = config``
followed by ``config.devtool = ...`` is seen correctly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Loc:
    """Where a value was written: 0-based line, 0-based UTF-16 column."""

    file: Path
    line: int
    column: int


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known without running the code; ``reason`` says why."""

    reason: str


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


@dataclass(frozen=True)
class Const:
    """A primitive: string, number, boolean or null (``None``)."""

    value: str | int | float | bool | None


@dataclass(frozen=True)
class Module:
    """What ``require(name)`` (or an import) gives, plus the member path taken from it."""

    name: str
    path: tuple[str, ...] = ()

    def member(self, key: str) -> Module:
        return Module(self.name, (*self.path, key))

    @property
    def dotted(self) -> str:
        return ".".join((self.name, *self.path))


@dataclass(eq=False)
class Slot:
    """A property or array element: the value, where it was set, and whether only maybe."""

    value: Value
    loc: Loc | None = None
    conditional: bool = False


@dataclass(eq=False)
class Obj:
    """An object literal. ``opaque`` says why keys beyond ``props`` may exist (unknown spread)."""

    props: dict[str, Slot] = field(default_factory=dict)
    opaque: str | None = None

    def get(self, key: str) -> Value:
        slot = self.props.get(key)
        if slot is not None:
            return slot.value
        return Unknown(self.opaque) if self.opaque else UNDEFINED


@dataclass(eq=False)
class Arr:
    """An array literal. ``opaque`` says why elements beyond ``items`` may exist."""

    items: list[Slot] = field(default_factory=list)
    opaque: str | None = None


@dataclass(eq=False)
class Instance:
    """``new Ctor(args)`` or a call of a required function (``sentryWebpackPlugin({...})``)."""

    ctor: Value
    args: list[Value]
    text: str          # the callee as written, for messages
    via_new: bool = True


@dataclass(eq=False)
class Function:
    """A function or arrow function defined in the analysed file (evaluated on call)."""

    node: Any          # tree_sitter.Node
    scope: Any         # the defining Scope
    source: Any        # the defining SourceFile


Value = Unknown | _Undefined | Const | Module | Obj | Arr | Instance | Function


def truthy(value: Value) -> bool | None:
    """JavaScript truthiness, or None when the value is unknown."""
    if isinstance(value, Unknown):
        return None
    if value is UNDEFINED:
        return False
    if isinstance(value, Const):
        return bool(value.value) and value.value == value.value   # NaN is falsy
    return True


def describe(value: Value) -> str:
    """A short human form of a value for messages (``'source-map'``, ``false``, ``unset``)."""
    if value is UNDEFINED:
        return "unset"
    if isinstance(value, Const):
        if isinstance(value.value, str):
            return repr(value.value)
        if value.value is None:
            return "null"
        return str(value.value).lower() if isinstance(value.value, bool) else str(value.value)
    if isinstance(value, Unknown):
        return f"unknown ({value.reason})"
    return type(value).__name__.lower()


def from_json(data: object) -> Value:
    """Turn parsed JSON (``require('./x.json')``) into evaluator values."""
    if isinstance(data, dict):
        return Obj({str(key): Slot(from_json(item)) for key, item in data.items()})
    if isinstance(data, list):
        return Arr([Slot(from_json(item)) for item in data])
    if isinstance(data, (str, int, float, bool)) or data is None:
        return Const(data)
    return Unknown("unsupported json value")


def deep_merge(target: Obj, source: Obj) -> None:
    """webpack-merge semantics: objects merge recursively, arrays concatenate, the rest is replaced."""
    if source.opaque:
        target.opaque = source.opaque
    for key, slot in source.props.items():
        mine = target.props.get(key)
        if mine is not None and isinstance(mine.value, Obj) and isinstance(slot.value, Obj):
            merged = Obj(dict(mine.value.props), mine.value.opaque)
            deep_merge(merged, slot.value)
            target.props[key] = Slot(merged, slot.loc, slot.conditional)
        elif mine is not None and isinstance(mine.value, Arr) and isinstance(slot.value, Arr):
            items = mine.value.items + slot.value.items
            target.props[key] = Slot(Arr(items, mine.value.opaque or slot.value.opaque), slot.loc)
        else:
            target.props[key] = slot
