"""A tiny evaluator for webpack config files: statements run in order, values are symbolic.

It covers the idioms of electron-vue and typical webpack configs (research
notes §6.2): ``let config = {...}``, ``config.devtool = ...`` inside
``if (process.env.NODE_ENV === 'production')``, aliases such as ``isProd``,
ternaries on NODE_ENV, ``require()`` bindings, ``new Plugin()`` in ``plugins``
and ``.plugins.push(...)``, object spread, ``Object.assign``, webpack-merge,
local helper functions and relative ``require`` of helper files (read and
parsed, never run). What cannot be known becomes :class:`Unknown` with a
reason; when a branch condition is unknown, whatever the branch changes
becomes unknown too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from smtools.errors import WebpackConfigError
from smtools.webpack.jsexpr import EXPRESSIONS, property_key
from smtools.webpack.jsparse import SourceFile, children, string_value
from smtools.webpack.jsvalues import (
    UNDEFINED,
    Arr,
    Const,
    Function,
    Module,
    Obj,
    Slot,
    Unknown,
    Value,
    truthy,
)

Loader = Callable[[str, Path], "Value | None"]

MAX_STEPS = 200_000     # evaluation budget: configs need a few thousand steps
MAX_DEPTH = 16          # nested local function calls
_IGNORED_STATEMENTS = {"empty_statement", "comment", "debugger_statement", "break_statement",
                       "continue_statement", "throw_statement", "class_declaration"}
_LOOPS = {"for_statement", "for_in_statement", "while_statement", "do_statement", "switch_statement"}


class _Return(Exception):
    def __init__(self, value: Value) -> None:
        super().__init__()
        self.value = value


class Scope:
    """Variable bindings of a block; lookups walk outwards."""

    def __init__(self, parent: Scope | None = None) -> None:
        self.vars: dict[str, Value] = {}
        self.parent = parent

    def lookup(self, name: str) -> Value | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return None

    def assign(self, name: str, value: Value) -> None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                scope.vars[name] = value
                return
            scope = scope.parent


def global_scope(env: dict[str, str]) -> tuple[Scope, Obj]:
    """A fresh global scope (``process``, ``module``/``exports``, builtins) and its ``module`` object."""
    scope = Scope()
    env_obj = Obj({name: Slot(Const(value)) for name, value in env.items()},
                  opaque="an environment variable set at build time")
    exports = Obj()
    module = Obj({"exports": Slot(exports)})
    scope.vars.update({
        "process": Obj({"env": Slot(env_obj)}, opaque="a runtime value of process"),
        "module": module, "exports": exports, "undefined": UNDEFINED,
        "__dirname": Unknown("__dirname"), "__filename": Unknown("__filename"),
    })
    for name in ("Object", "JSON", "Boolean", "Math", "Array", "String", "Number"):
        scope.vars[name] = Module(f"global:{name}")
    return scope, module


class Evaluator:
    """Evaluate one parsed file; :meth:`run` returns its ``module.exports``."""

    def __init__(self, source: SourceFile, *, env: dict[str, str], loader: Loader) -> None:
        self.source = source
        self.loader = loader
        self.scope, self.module = global_scope(env)
        self.maybe: str | None = None     # why the statements being run may not run at all
        self.maybe_level = 0              # how many unknown conditions enclose them
        self.call_level = 0               # maybe_level at entry of the function being called
        self.steps = 0
        self.depth = 0

    def run(self) -> Value:
        """Run the file's top-level statements; return ``module.exports``.

        Raises:
            WebpackConfigError: the file is too deeply nested or too long to evaluate.
        """
        try:
            self.block(children(self.source.root), self.scope)
        except _Return:
            pass
        except RecursionError as error:
            raise WebpackConfigError(f"{self.source.path.name} is nested too deeply to analyse") from error
        return self.module.get("exports")

    # -- statements --------------------------------------------------------------------------
    def block(self, nodes: list[Any], scope: Scope) -> None:
        for node in nodes:
            self.statement(node, scope)

    def statement(self, node: Any, scope: Scope) -> None:
        self._tick()
        kind = node.type
        if kind == "expression_statement":
            for child in children(node):
                self.expr(child, scope)
        elif kind in ("lexical_declaration", "variable_declaration"):
            self._declare(node, scope)
        elif kind == "if_statement":
            self._if(node, scope)
        elif kind == "statement_block":
            self.block(children(node), Scope(scope))
        elif kind in ("function_declaration", "generator_function_declaration"):
            name = self.source.text(node.child_by_field_name("name"))
            scope.vars[name] = Function(node, scope, self.source)
        elif kind == "return_statement":
            value_nodes = children(node)
            value = self.expr(value_nodes[0], scope) if value_nodes else UNDEFINED
            conditional = self.maybe_level > self.call_level
            raise _Return(Unknown(f"returned only when {self.maybe}") if conditional else value)
        elif kind == "export_statement":
            self._export(node, scope)
        elif kind == "import_statement":
            self._import(node, scope)
        elif kind == "try_statement":
            self.statement(node.child_by_field_name("body"), scope)
            final = node.child_by_field_name("finalizer")
            if final is not None:
                self.block(children(final), Scope(scope))
        elif kind in _LOOPS:
            self._maybe_run(children(node)[-1:], scope, "inside a loop")
        elif kind == "labeled_statement":
            self.block(children(node)[-1:], scope)

    def _maybe_run(self, nodes: list[Any], scope: Scope, why: str) -> None:
        saved = self.maybe
        self.maybe = saved or why
        self.maybe_level += 1
        try:
            self.block(nodes, Scope(scope))
        finally:
            self.maybe = saved
            self.maybe_level -= 1

    def _if(self, node: Any, scope: Scope) -> None:
        condition = node.child_by_field_name("condition")
        test = truthy(self.expr(condition, scope))
        branches = [node.child_by_field_name("consequence")]
        alternative = node.child_by_field_name("alternative")
        branches.append(children(alternative)[0] if alternative is not None else None)
        if test is None:
            why = f"{self.source.text(condition)} holds"
            for branch in branches:
                if branch is not None:
                    self._maybe_run([branch], scope, why)
            return
        chosen = branches[0] if test else branches[1]
        if chosen is not None:
            self.statement(chosen, scope)

    def _declare(self, node: Any, scope: Scope) -> None:
        for declarator in children(node):
            if declarator.type != "variable_declarator":
                continue
            value_node = declarator.child_by_field_name("value")
            value = self.expr(value_node, scope) if value_node is not None else UNDEFINED
            self.bind(declarator.child_by_field_name("name"), value, scope)

    def bind(self, pattern: Any, value: Value, scope: Scope) -> None:
        """Bind an identifier or a destructuring pattern to a value."""
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            scope.vars[self.source.text(pattern)] = value
        elif kind == "object_pattern":
            for part in children(pattern):
                self._bind_property(part, value, scope)
        elif kind == "assignment_pattern":
            left, right = pattern.child_by_field_name("left"), pattern.child_by_field_name("right")
            self.bind(left, self.expr(right, scope) if value is UNDEFINED else value, scope)
        else:   # array patterns, rest elements: bind every name they contain to unknown
            for name in _identifiers(pattern):
                scope.vars[self.source.text(name)] = Unknown(f"destructured by {self.source.text(pattern)}")

    def _bind_property(self, part: Any, value: Value, scope: Scope) -> None:
        if part.type == "shorthand_property_identifier_pattern":
            self.bind(part, self.member(value, self.source.text(part)), scope)
        elif part.type == "pair_pattern":
            key = property_key(self, part.child_by_field_name("key"), scope)
            target = self.member(value, key) if key is not None else Unknown("computed key")
            self.bind(part.child_by_field_name("value"), target, scope)
        elif part.type == "object_assignment_pattern":
            left = part.child_by_field_name("left")
            member = self.member(value, self.source.text(left))
            if member is UNDEFINED:
                member = self.expr(part.child_by_field_name("right"), scope)
            self.bind(left, member, scope)
        else:
            self.bind(part, Unknown("rest of a destructured object"), scope)

    def _export(self, node: Any, scope: Scope) -> None:
        declaration = node.child_by_field_name("declaration")
        if declaration is not None:
            self.statement(declaration, scope)
        value = node.child_by_field_name("value")
        if value is not None:
            self.module.props["exports"] = Slot(self.expr(value, scope), self.source.loc(value))

    def _import(self, node: Any, scope: Scope) -> None:
        source = node.child_by_field_name("source")
        spec = string_value(self.source, source) if source is not None else None
        clause = next((c for c in children(node) if c.type == "import_clause"), None)
        if spec is None or clause is None:
            return
        module = self.require(spec)
        for part in children(clause):
            if part.type == "identifier":
                scope.vars[self.source.text(part)] = module
            elif part.type == "namespace_import":
                scope.vars[self.source.text(children(part)[-1])] = module
            elif part.type == "named_imports":
                for spec_node in children(part):
                    name = self.source.text(spec_node.child_by_field_name("name"))
                    alias = spec_node.child_by_field_name("alias")
                    scope.vars[self.source.text(alias or spec_node.child_by_field_name("name"))] = \
                        self.member(module, name)

    # -- expressions ---------------------------------------------------------------------------
    def expr(self, node: Any, scope: Scope) -> Value:
        """Evaluate an expression node to a value (never raises for unsupported syntax)."""
        self._tick()
        handler = EXPRESSIONS.get(node.type)
        if handler is not None:
            return handler(self, node, scope)
        literal = string_value(self.source, node)
        if literal is not None:
            return Const(literal)
        return Unknown(f"`{_short(self.source.text(node))}`")

    def member(self, value: Value, key: str) -> Value:
        """``value[key]`` as far as it is known."""
        if isinstance(value, Obj):
            return value.get(key)
        if isinstance(value, Module):
            return value.member(key)
        if isinstance(value, Arr):
            if key == "length" and not value.opaque:
                return Const(len(value.items))
            if key.isdigit() and int(key) < len(value.items) and not value.opaque:
                return value.items[int(key)].value
            return Unknown(f"array element {key}")
        if isinstance(value, Const) and isinstance(value.value, str) and key == "length":
            return Const(len(value.value))
        if isinstance(value, Unknown):
            return value
        return Unknown(f"property {key!r} of a {type(value).__name__.lower()}")

    def set_member(self, target: Value, key: str, value: Value, node: Any) -> None:
        """``target[key] = value``; in a branch that may not run the result is unknown."""
        if not isinstance(target, Obj):
            return
        if self.maybe:
            old = target.props.get(key)
            if old is None or old.value != value or not isinstance(value, Const):
                value = Unknown(f"set only when {self.maybe}")
        target.props[key] = Slot(value, self.source.loc(node), conditional=bool(self.maybe))

    def require(self, spec: str) -> Value:
        """What ``require(spec)`` gives: a helper file's exports, or a package :class:`Module`."""
        loaded = self.loader(spec, self.source.path)
        return loaded if loaded is not None else Module(spec)

    def call(self, function: Function, args: list[Value]) -> Value:
        """Evaluate a local function's body with the given arguments."""
        if self.depth >= MAX_DEPTH:
            return Unknown("recursion too deep")
        local = Scope(function.scope)
        saved_source, self.source = self.source, function.source
        saved_level, self.call_level = self.call_level, self.maybe_level
        self.depth += 1
        try:
            for index, param in enumerate(_parameters(function.node)):
                self.bind(param, args[index] if index < len(args) else UNDEFINED, local)
            body = function.node.child_by_field_name("body")
            if body.type != "statement_block":
                return self.expr(body, local)
            self.block(children(body), local)
            return UNDEFINED
        except _Return as returned:
            return returned.value
        finally:
            self.depth -= 1
            self.call_level = saved_level
            self.source = saved_source

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise WebpackConfigError(f"{self.source.path.name} is too long to analyse")


def _parameters(function: Any) -> list[Any]:
    params = function.child_by_field_name("parameters")
    if params is not None:
        return children(params)
    single = function.child_by_field_name("parameter")     # `x => ...` without parentheses
    return [single] if single is not None else []


def _identifiers(node: Any) -> list[Any]:
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [node]
    return [found for child in children(node) for found in _identifiers(child)]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


