"""The evaluator: walks a tree the checker accepted and computes its value, one small method per construct.

Only node types in the tables at the bottom can be evaluated; the checker has already refused the rest, so a
tree that did not come through it fails here too rather than doing anything unexpected. Variables are
imported (ints to Decimal, floats refused) the first time they are read, so a value the formula never
touches is never looked at.
"""

import ast
from collections.abc import Mapping

from . import operators
from .errors import FormulaError
from .errors import Source
from .functions import if_
from .values import MAX_ITEMS
from .values import import_value
from .values import kind
from .values import whole


def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class Interpreter:
    """Evaluate checked expressions and script statements against one set of variables."""

    def __init__(self, source: Source, functions: Mapping, values: Mapping):
        self.source = source
        self.functions = functions
        self.values = values
        self.assigned: dict[str, object] = {}
        self._imported: dict[str, object] = {}

    # Expressions

    def expression(self, node: ast.AST):
        """Return the value of one expression node."""
        evaluate = _EXPRESSIONS.get(type(node))
        if evaluate is None:
            raise self.source.error(f"'{type(node).__name__}' is not allowed", node)
        try:
            return evaluate(self, node)
        except FormulaError as exc:
            if exc.located:
                raise
            raise self.source.error(exc.message, node) from exc

    def _constant(self, node: ast.Constant):
        return node.value

    def _name(self, node: ast.Name):
        name = node.id
        if name in self.assigned:
            return self.assigned[name]
        if name not in self._imported:
            if name not in self.values:
                raise FormulaError(f"name '{name}' is not defined")
            try:
                self._imported[name] = import_value(self.values[name])
            except FormulaError as exc:
                raise FormulaError(f"variable '{name}': {exc.message}") from exc
        return self._imported[name]

    def apply(self, op: ast.operator, left, right, nodes: tuple[ast.AST, ast.AST, ast.AST]):
        """Return ``left op right``, pointing any error at the operator (or at a wrong exponent)."""
        left_node, right_node, owner = nodes
        _, compute = operators.BINARY[type(op)]
        if isinstance(op, ast.Pow):
            try:
                right = operators.exponent(right)
            except FormulaError as exc:
                raise self.source.error(exc.message, right_node) from exc
        try:
            return compute(left, right)
        except FormulaError as exc:
            raise self.source.error_between(exc.message, left_node, right_node, owner) from exc

    def _binop(self, node: ast.BinOp):
        left = self.expression(node.left)
        right = self.expression(node.right)
        return self.apply(node.op, left, right, (node.left, node.right, node))

    def _unaryop(self, node: ast.UnaryOp):
        _, compute = operators.UNARY[type(node.op)]
        return compute(self.expression(node.operand))

    def _boolop(self, node: ast.BoolOp):
        # ``or`` stops at the first true value, ``and`` at the first false one; both return that value.
        stop_when = isinstance(node.op, ast.Or)
        result = None
        for value in node.values:
            result = self.expression(value)
            if bool(result) is stop_when:
                return result
        return result

    def _compare(self, node: ast.Compare) -> bool:
        left, left_node = self.expression(node.left), node.left
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.expression(right_node)
            _, compute = operators.COMPARE[type(op)]
            try:
                holds = compute(left, right)
            except FormulaError as exc:
                raise self.source.error_between(exc.message, left_node, right_node, node) from exc
            if not holds:
                return False
            left, left_node = right, right_node
        return True

    def _ifexp(self, node: ast.IfExp):
        return self.expression(node.body if self.expression(node.test) else node.orelse)

    def _call(self, node: ast.Call):
        name = node.func.id
        function = self.functions[name]
        if function is if_ and len(node.args) == 3 and not node.keywords:
            condition, then, otherwise = node.args
            return self.expression(then if self.expression(condition) else otherwise)
        arguments = [self.expression(argument) for argument in node.args]
        keywords = {keyword.arg: self.expression(keyword.value) for keyword in node.keywords}
        try:
            return import_value(function(*arguments, **keywords))
        except FormulaError as exc:
            message = exc.message if exc.message.startswith(f"{name}()") else f"{name}(): {exc.message}"
            raise self.source.error(message, node) from exc
        except Exception as exc:  # a host function's own failure, reported where the formula called it
            raise self.source.error(f"{name}() failed: {exc}", node) from exc

    def _tuple(self, node: ast.Tuple) -> tuple:
        return tuple(self.expression(element) for element in node.elts)

    def _list(self, node: ast.List) -> list:
        return [self.expression(element) for element in node.elts]

    def _set(self, node: ast.Set) -> frozenset:
        elements = [self.expression(element) for element in node.elts]
        try:
            return frozenset(elements)
        except TypeError as exc:
            raise FormulaError("a set can hold numbers, text, dates and tuples only") from exc

    def _subscript(self, node: ast.Subscript):
        container = self.expression(node.value)
        key = self.expression(node.slice)
        if isinstance(container, dict):
            try:
                return container[key]
            except KeyError:
                raise self.source.error(f"key {_shown(key)} not found", node.slice) from None
            except TypeError:
                raise self.source.error(f"{kind(key)} cannot be a key", node.slice) from None
        if isinstance(container, list | tuple):
            try:
                return container[whole(key, "index", MAX_ITEMS)]
            except IndexError:
                message = f"index {_shown(key)} out of range for {len(container)} items"
                raise self.source.error(message, node.slice) from None
        raise FormulaError(f"cannot take an item of {kind(container)}")

    # Statements

    def statements(self, body: list[ast.stmt]) -> None:
        """Run a block of script statements in order."""
        for statement in body:
            run = _STATEMENTS.get(type(statement))
            if run is None:
                raise self.source.error(f"'{type(statement).__name__}' is not allowed", statement)
            run(self, statement)

    def _assign(self, node: ast.Assign) -> None:
        value = self.expression(node.value)
        for target in node.targets:
            self.assigned[target.id] = value

    def _augassign(self, node: ast.AugAssign) -> None:
        current = self.expression(node.target)
        value = self.expression(node.value)
        self.assigned[node.target.id] = self.apply(node.op, current, value, (node.target, node.value, node))

    def _if(self, node: ast.If) -> None:
        self.statements(node.body if self.expression(node.test) else node.orelse)

    def _expr(self, node: ast.Expr) -> None:
        self.expression(node.value)

    def _pass(self, node: ast.Pass) -> None:
        return None


_EXPRESSIONS = {
    ast.Constant: Interpreter._constant,
    ast.Name: Interpreter._name,
    ast.BinOp: Interpreter._binop,
    ast.UnaryOp: Interpreter._unaryop,
    ast.BoolOp: Interpreter._boolop,
    ast.Compare: Interpreter._compare,
    ast.IfExp: Interpreter._ifexp,
    ast.Call: Interpreter._call,
    ast.Tuple: Interpreter._tuple,
    ast.List: Interpreter._list,
    ast.Set: Interpreter._set,
    ast.Subscript: Interpreter._subscript,
}

_STATEMENTS = {
    ast.Assign: Interpreter._assign,
    ast.AugAssign: Interpreter._augassign,
    ast.If: Interpreter._if,
    ast.Expr: Interpreter._expr,
    ast.Pass: Interpreter._pass,
}
