"""Expression handlers of the static config evaluator, one small function per node type."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smtools.webpack.jsparse import children, string_value
from smtools.webpack.jsvalues import (
    UNDEFINED,
    Arr,
    Const,
    Function,
    Instance,
    Loc,
    Module,
    Obj,
    Slot,
    Unknown,
    Value,
    deep_merge,
    truthy,
)

if TYPE_CHECKING:
    from smtools.webpack.jseval import Evaluator, Scope

Handler = Callable[["Evaluator", Any, "Scope"], Value]
# webpack-merge 4 exports the function itself (and .smart); 5 exports { merge, mergeWithCustomize, ... }.
_MERGE_PATHS = {(), ("merge",), ("smart",), ("default",), ("merge", "smart")}


def _identifier(ev: Evaluator, node: Any, scope: Scope) -> Value:
    name = ev.source.text(node)
    value = scope.lookup(name)
    return value if value is not None else Unknown(f"`{name}` is not defined in this file")


def _number(ev: Evaluator, node: Any, scope: Scope) -> Value:
    text = ev.source.text(node).replace("_", "")
    try:
        integer = text.isdigit() or text[:2].lower() in ("0x", "0o", "0b")
        return Const(int(text, 0) if integer else float(text))
    except ValueError:
        return Unknown(f"number {text}")


def _member(ev: Evaluator, node: Any, scope: Scope) -> Value:
    target = ev.expr(node.child_by_field_name("object"), scope)
    return ev.member(target, ev.source.text(node.child_by_field_name("property")))


def _subscript(ev: Evaluator, node: Any, scope: Scope) -> Value:
    target = ev.expr(node.child_by_field_name("object"), scope)
    key = ev.expr(node.child_by_field_name("index"), scope)
    if isinstance(key, Const) and isinstance(key.value, (str, int)) and not isinstance(key.value, bool):
        return ev.member(target, str(key.value))
    return Unknown(f"`{ev.source.text(node)}`")


def property_key(ev: Evaluator, node: Any, scope: Scope) -> str | None:
    if node.type in ("property_identifier", "private_property_identifier", "number"):
        return ev.source.text(node)
    literal = string_value(ev.source, node)
    if literal is not None:
        return literal
    if node.type == "computed_property_name":
        value = ev.expr(children(node)[0], scope)
        if isinstance(value, Const) and value.value is not None:
            return str(value.value)
    return None


def _object(ev: Evaluator, node: Any, scope: Scope) -> Value:
    result = Obj()
    for part in children(node):
        loc = ev.source.loc(part)
        if part.type == "pair":
            key = property_key(ev, part.child_by_field_name("key"), scope)
            value = ev.expr(part.child_by_field_name("value"), scope)
            if key is None:
                _spread_unknown(result, f"computed key {ev.source.text(part.child_by_field_name('key'))}")
            else:
                result.props[key] = Slot(value, loc)
        elif part.type == "shorthand_property_identifier":
            result.props[ev.source.text(part)] = Slot(_identifier(ev, part, scope), loc)
        elif part.type == "spread_element":
            _spread_into(result, ev.expr(children(part)[0], scope), ev.source.text(part))
        elif part.type == "method_definition":
            name = ev.source.text(part.child_by_field_name("name"))
            result.props[name] = Slot(Function(part, scope, ev.source), loc)
    return result


def _spread_into(result: Obj, value: Value, text: str) -> None:
    if isinstance(value, Obj):
        deep = Obj(dict(value.props), value.opaque)
        for key, slot in deep.props.items():
            result.props[key] = slot
        if value.opaque:
            _spread_unknown(result, value.opaque)
    elif value is UNDEFINED or (isinstance(value, Const) and value.value is None):
        return
    else:
        _spread_unknown(result, f"{text} is not known")


def _spread_unknown(result: Obj, reason: str) -> None:
    # An unknown spread may override every key written before it.
    for key, slot in result.props.items():
        result.props[key] = Slot(Unknown(reason), slot.loc, slot.conditional)
    result.opaque = reason


def _array(ev: Evaluator, node: Any, scope: Scope) -> Value:
    result = Arr()
    for part in children(node):
        if part.type == "spread_element":
            value = ev.expr(children(part)[0], scope)
            if isinstance(value, Arr):
                result.items.extend(value.items)
                result.opaque = result.opaque or value.opaque
            else:
                result.opaque = f"{ev.source.text(part)} is not known"
        else:
            result.items.append(Slot(ev.expr(part, scope), ev.source.loc(part)))
    return result


def _argument_nodes(node: Any) -> list[Any]:
    args = node.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [arg for arg in children(args) if arg.type != "spread_element"]


def _arguments(ev: Evaluator, node: Any, scope: Scope) -> list[Value]:
    return [ev.expr(arg, scope) for arg in _argument_nodes(node)]


def _new(ev: Evaluator, node: Any, scope: Scope) -> Value:
    ctor_node = node.child_by_field_name("constructor")
    ctor = ev.expr(ctor_node, scope)
    return Instance(ctor, _arguments(ev, node, scope), ev.source.text(ctor_node))


def _call(ev: Evaluator, node: Any, scope: Scope) -> Value:
    callee = node.child_by_field_name("function")
    args = _arguments(ev, node, scope)
    name = ev.source.text(callee) if callee.type == "identifier" else None
    if name == "require" and scope.lookup("require") is None:
        return _require(ev, args)
    if callee.type == "member_expression":
        method = ev.source.text(callee.child_by_field_name("property"))
        target = ev.expr(callee.child_by_field_name("object"), scope)
        handled = _method(ev, target, method, args, [ev.source.loc(arg) for arg in _argument_nodes(node)])
        if handled is not None:
            return handled
        function = ev.member(target, method)
    else:
        function = ev.expr(callee, scope)
    if isinstance(function, Function):
        return ev.call(function, args)
    if isinstance(function, Module) and function.name == "webpack-merge" and function.path in _MERGE_PATHS:
        return merge_values(args)
    if isinstance(function, Module) and not function.name.startswith("global:"):
        return Instance(function, args, ev.source.text(callee), via_new=False)
    return Unknown(f"the result of {ev.source.text(callee)}(...)")


def _require(ev: Evaluator, args: list[Value]) -> Value:
    if args and isinstance(args[0], Const) and isinstance(args[0].value, str):
        return ev.require(args[0].value)
    return Unknown("require() of a computed name")


def _method(ev: Evaluator, target: Value, method: str, args: list[Value], locs: list[Loc]) -> Value | None:
    """Array and Object built-ins that change or build configs; None when not one of them."""
    if isinstance(target, Arr):
        if method in ("push", "unshift"):
            slots = [Slot(arg, loc, conditional=bool(ev.maybe)) for arg, loc in zip(args, locs, strict=False)]
            target.items[len(target.items) if method == "push" else 0:0] = slots
            return Const(len(target.items))
        if method == "concat":
            items = list(target.items)
            for arg, loc in zip(args, locs, strict=False):
                items.extend(arg.items if isinstance(arg, Arr) else [Slot(arg, loc)])
            return Arr(items, target.opaque)
        if method == "filter" and args and args[0] == Module("global:Boolean"):
            kept = [slot for slot in target.items if truthy(slot.value) is not False]
            return Arr(kept, target.opaque)
    if target == Module("global:Object") and method == "assign" and args:
        return _assign(ev, args)
    return None


def _assign(ev: Evaluator, args: list[Value]) -> Value:
    target = args[0]
    if not isinstance(target, Obj):
        return Unknown("Object.assign onto an unknown value")
    for source in args[1:]:
        if ev.maybe:
            _spread_unknown(target, f"Object.assign only when {ev.maybe}")
        elif isinstance(source, Obj):
            target.props.update(source.props)
            if source.opaque:
                _spread_unknown(target, source.opaque)
        else:
            _spread_into(target, source, "an Object.assign source")
    return target


def merge_values(values: list[Value]) -> Value:
    """webpack-merge of known objects; unknown if any argument is not a known object."""
    result = Obj()
    for value in values:
        if not isinstance(value, Obj):
            return Unknown("webpack-merge of a value that is not a known object")
        deep_merge(result, value)
    return result


def _ternary(ev: Evaluator, node: Any, scope: Scope) -> Value:
    condition = node.child_by_field_name("condition")
    test = truthy(ev.expr(condition, scope))
    if test is None:
        return Unknown(f"depends on {ev.source.text(condition)}")
    return ev.expr(node.child_by_field_name("consequence" if test else "alternative"), scope)


def _assignment(ev: Evaluator, node: Any, scope: Scope) -> Value:
    left = node.child_by_field_name("left")
    value = ev.expr(node.child_by_field_name("right"), scope)
    if node.type == "augmented_assignment_expression":
        value = Unknown(f"`{ev.source.text(node)}`")
    if left.type == "identifier":
        scope.assign(ev.source.text(left), Unknown(f"set only when {ev.maybe}") if ev.maybe else value)
    elif left.type == "member_expression":
        target = ev.expr(left.child_by_field_name("object"), scope)
        ev.set_member(target, ev.source.text(left.child_by_field_name("property")), value, node)
    elif left.type == "subscript_expression":
        key = ev.expr(left.child_by_field_name("index"), scope)
        target = ev.expr(left.child_by_field_name("object"), scope)
        if isinstance(key, Const) and isinstance(key.value, str):
            ev.set_member(target, key.value, value, node)
        elif isinstance(target, Obj):
            _spread_unknown(target, f"`{ev.source.text(left)}` is assigned")
    return value


def _binary(ev: Evaluator, node: Any, scope: Scope) -> Value:
    operator = ev.source.text(node.child_by_field_name("operator"))
    left = ev.expr(node.child_by_field_name("left"), scope)
    if operator in ("&&", "||", "??"):
        decided = _short_circuit(operator, left)
        return decided if decided is not None else ev.expr(node.child_by_field_name("right"), scope)
    return binary(operator, left, ev.expr(node.child_by_field_name("right"), scope))


def _short_circuit(operator: str, left: Value) -> Value | None:
    if operator == "??":
        nullish = left is UNDEFINED or (isinstance(left, Const) and left.value is None)
        return None if nullish else left
    test = truthy(left)
    if test is None:
        return left
    if (operator == "&&") != test:
        return left
    return None


def binary(operator: str, left: Value, right: Value) -> Value:
    """Comparison and ``+`` of known primitives; anything else is unknown."""
    if isinstance(left, Unknown):
        return left
    if isinstance(right, Unknown):
        return right
    both = isinstance(left, Const) and isinstance(right, Const)
    if operator in ("===", "!==", "==", "!=") and (both or left is UNDEFINED or right is UNDEFINED):
        same = _same(left, right, strict=operator in ("===", "!=="))
        if same is not None:
            return Const(same if operator in ("===", "==") else not same)
    if (operator == "+" and isinstance(left, Const) and isinstance(right, Const)
            and (isinstance(left.value, str) or isinstance(right.value, str))):
        return Const(_js_str(left.value) + _js_str(right.value))
    return Unknown(f"the {operator} operator")


def _same(left: Value, right: Value, *, strict: bool) -> bool | None:
    if left is UNDEFINED or right is UNDEFINED:
        other = right if left is UNDEFINED else left
        if other is UNDEFINED:
            return True
        if isinstance(other, Const) and other.value is None:
            return not strict
        return False if isinstance(other, Const) else None
    assert isinstance(left, Const) and isinstance(right, Const)
    if type(left.value) is type(right.value):
        return left.value == right.value
    return False if strict else None


def _js_str(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _unary(ev: Evaluator, node: Any, scope: Scope) -> Value:
    operator = ev.source.text(node.child_by_field_name("operator"))
    value = ev.expr(node.child_by_field_name("argument"), scope)
    if operator == "!":
        test = truthy(value)
        return Unknown(f"`{ev.source.text(node)}`") if test is None else Const(not test)
    if operator == "void":
        return UNDEFINED
    return Unknown(f"the {operator} operator")


def _sequence(ev: Evaluator, node: Any, scope: Scope) -> Value:
    value: Value = UNDEFINED
    for part in children(node):
        value = ev.expr(part, scope)
    return value


def _function(ev: Evaluator, node: Any, scope: Scope) -> Value:
    return Function(node, scope, ev.source)


def _constant(value: Value) -> Handler:
    return lambda ev, node, scope: value


EXPRESSIONS: dict[str, Handler] = {
    "identifier": _identifier, "number": _number, "member_expression": _member,
    "subscript_expression": _subscript, "object": _object, "array": _array, "new_expression": _new,
    "call_expression": _call, "ternary_expression": _ternary, "assignment_expression": _assignment,
    "augmented_assignment_expression": _assignment, "binary_expression": _binary, "unary_expression": _unary,
    "parenthesized_expression": _sequence, "sequence_expression": _sequence,
    "arrow_function": _function, "function_expression": _function, "function": _function,
    "true": _constant(Const(True)), "false": _constant(Const(False)), "null": _constant(Const(None)),
    "undefined": _constant(UNDEFINED), "regex": lambda ev, node, scope: Obj(opaque="a regular expression"),
}
