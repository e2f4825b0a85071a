"""The whitelist of the formula language, applied to the parsed tree before anything is evaluated.

Every node is checked against the short list of constructs the evaluator knows; anything else (attribute
access, imports, lambdas, comprehensions, f-strings, unknown functions...) is refused here, pointing at the
offending token. Numeric literals are replaced by the Decimal of their exact source text, so ``0.004`` never
passes through a float.
"""

import ast
import inspect
import re
from decimal import Decimal
from decimal import InvalidOperation

from . import operators
from .errors import FormulaError
from .errors import Source
from .values import check_number
from .values import check_text
from .values import number

_DUNDER = re.compile(r"__\w+__")

REFUSED_NODES = {
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.Dict: "dict literals are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
    ast.FunctionDef: "function and class definitions are not allowed",
    ast.AsyncFunctionDef: "function and class definitions are not allowed",
    ast.ClassDef: "function and class definitions are not allowed",
    ast.For: "loops are not allowed",
    ast.AsyncFor: "loops are not allowed",
    ast.While: "loops are not allowed",
    ast.AnnAssign: "annotated assignments are not allowed",
    ast.Delete: "del is not allowed",
    ast.Global: "global and nonlocal are not allowed",
    ast.Nonlocal: "global and nonlocal are not allowed",
    ast.With: "with blocks are not allowed",
    ast.AsyncWith: "with blocks are not allowed",
    ast.Try: "try blocks are not allowed",
    ast.TryStar: "try blocks are not allowed",
    ast.Raise: "raise is not allowed",
    ast.Return: "return is not allowed",
    ast.Assert: "assert is not allowed",
    ast.Match: "match is not allowed",
    ast.Break: "break and continue are not allowed",
    ast.Continue: "break and continue are not allowed",
}


def _signed_number(node: ast.AST) -> ast.Constant | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | Decimal):
        return node
    return None


class Checker:
    """Walk a parsed formula or script, refusing what the language does not allow and noting names read."""

    def __init__(self, source: Source, functions, names: frozenset[str] | None):
        self.source = source
        self.functions = functions
        self.known = names
        self.reads: dict[str, None] = {}
        self.maybe: set[str] = set()
        self.surely: set[str] = set()

    def refuse(self, node: ast.AST) -> FormulaError:
        """Return the error for a construct outside the language."""
        message = REFUSED_NODES.get(type(node), f"'{type(node).__name__}' is not allowed")
        if isinstance(node, ast.Attribute):
            return self.source.error_dot(message, node)
        if isinstance(node, ast.stmt):
            return self.source.error(message, node, self.source.segment(node).split("\n", 1)[0])
        return self.source.error(message, node)

    # Expressions

    def expression(self, node: ast.AST) -> None:
        """Check one expression and everything inside it."""
        check = _EXPRESSIONS.get(type(node))
        if check is None:
            if isinstance(node, ast.Attribute):
                self.expression(node.value)  # report the first wrong step of ``().__class__.__bases__``
            raise self.refuse(node)
        check(self, node)

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        if value is None or isinstance(value, bool | Decimal):
            return  # a Decimal was put there by this checker, from the literal's text
        if isinstance(value, str):
            self._text(node, value)
        elif isinstance(value, int | float):
            node.value = self._number(node)
        else:
            what = {bytes: "bytes literals are", complex: "complex numbers are"}.get(type(value), "'...' is")
            raise self.source.error(f"{what} not allowed", node)

    def _text(self, node: ast.Constant, value: str) -> None:
        if _DUNDER.search(value):
            raise self.source.error("text with double-underscore names is not allowed", node)
        try:
            check_text(value)
        except FormulaError as exc:
            raise self.source.error(exc.message, node) from None

    def _number(self, node: ast.Constant) -> Decimal:
        text = self.source.segment(node).replace("_", "")
        try:
            if text[:2].lower() in ("0x", "0o", "0b"):
                return number(node.value, "number")
            return check_number(Decimal(text))
        except (InvalidOperation, ValueError) as exc:
            message = exc.message if isinstance(exc, FormulaError) else "not a number"
            raise self.source.error(message, node) from None

    def _name(self, node: ast.Name) -> None:
        self.read(node.id, node)

    def read(self, name: str, node: ast.AST) -> None:
        """Note that ``name`` is read, refusing it if it is not a variable the formula may see."""
        self.check_name(name, node)
        if self.known is not None and name not in self.known and name not in self.maybe:
            if name in self.functions:
                raise self.source.error(f"function '{name}' must be called, like {name}(...)", node, name)
            raise self.source.error(f"unknown name '{name}'", node, name)
        if name not in self.surely:
            self.reads.setdefault(name)

    def check_name(self, name: str, node: ast.AST) -> None:
        """Refuse a private-looking name: nothing starting with ``_`` is reachable."""
        if name.startswith("_"):
            raise self.source.error("names starting with '_' are not allowed", node, name)

    def operator(self, op: ast.operator, left: ast.AST, right: ast.AST, owner: ast.AST, suffix="") -> None:
        """Check a binary operator (``suffix`` "=" for augmented assignment) and a constant exponent."""
        if type(op) not in operators.BINARY:
            symbol = operators.REFUSED.get(type(op), type(op).__name__)
            raise self.source.error_between(f"operator '{symbol}{suffix}' is not allowed", left, right, owner)
        constant = _signed_number(right)
        if not isinstance(op, ast.Pow) or constant is None:
            return
        value = constant.value if isinstance(constant.value, Decimal) else self._number(constant)
        if right is not constant and isinstance(right.op, ast.USub):
            value = -value
        try:
            operators.exponent(value)
        except FormulaError as exc:
            raise self.source.error(exc.message, right) from None

    def _binop(self, node: ast.BinOp) -> None:
        self.expression(node.left)
        self.operator(node.op, node.left, node.right, node)
        self.expression(node.right)

    def _unaryop(self, node: ast.UnaryOp) -> None:
        if type(node.op) not in operators.UNARY:
            symbol = operators.REFUSED.get(type(node.op), type(node.op).__name__)
            raise self.source.error(f"operator '{symbol}' is not allowed", node, symbol)
        self.expression(node.operand)

    def _boolop(self, node: ast.BoolOp) -> None:
        for value in node.values:
            self.expression(value)

    def _compare(self, node: ast.Compare) -> None:
        self.expression(node.left)
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            none = isinstance(right, ast.Constant) and right.value is None
            if isinstance(op, ast.Is | ast.IsNot) and not none:
                raise self.source.error_between(
                    "'is' can only compare with None; use '=='", left, right, node
                )
            self.expression(right)
            left = right

    def _ifexp(self, node: ast.IfExp) -> None:
        self.expression(node.body)
        self.expression(node.test)
        self.expression(node.orelse)

    def _call(self, node: ast.Call) -> None:
        if not isinstance(node.func, ast.Name):
            self.expression(node.func)
            raise self.source.error("only functions can be called, by their name", node.func)
        name = node.func.id
        self.check_name(name, node.func)
        if name not in self.functions:
            raise self.source.error(f"function '{name}' is not allowed", node.func, name)
        for argument in node.args:
            self.expression(argument)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.source.error("'**' arguments are not allowed", keyword)
            self.check_name(keyword.arg, keyword)
            self.expression(keyword.value)
        self._arity(name, node)

    def _arity(self, name: str, node: ast.Call) -> None:
        try:
            signature = inspect.signature(self.functions[name])
        except (TypeError, ValueError):
            return  # a builtin without a signature: the call itself will say
        try:
            signature.bind(*node.args, **{keyword.arg: keyword.value for keyword in node.keywords})
        except TypeError as exc:
            raise self.source.error(f"{name}(): {exc}", node) from None

    def _elements(self, node: ast.Tuple | ast.List | ast.Set) -> None:
        for element in node.elts:
            self.expression(element)

    def _subscript(self, node: ast.Subscript) -> None:
        self.expression(node.value)
        index = node.slice
        if isinstance(index, ast.Slice):
            raise self.source.error("slices are not allowed", index)
        if not (isinstance(index, ast.Constant | ast.Name) or _signed_number(index) is not None):
            raise self.source.error("an index must be a constant or a name", index)
        self.expression(index)

    # Statements (scripts only)

    def statements(self, body: list[ast.stmt]) -> None:
        """Check a block of script statements in order."""
        for statement in body:
            check = _STATEMENTS.get(type(statement))
            if check is None:
                raise self.refuse(statement)
            check(self, statement)

    def _target(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Name):
            raise self.source.error("only plain names can be assigned to", node)
        self.check_name(node.id, node)
        self.maybe.add(node.id)
        self.surely.add(node.id)

    def _assign(self, node: ast.Assign) -> None:
        self.expression(node.value)
        for target in node.targets:
            self._target(target)

    def _augassign(self, node: ast.AugAssign) -> None:
        self._target_shape(node.target)
        self.read(node.target.id, node.target)
        self.operator(node.op, node.target, node.value, node, "=")
        self.expression(node.value)
        self._target(node.target)

    def _target_shape(self, node: ast.AST) -> None:
        if not isinstance(node, ast.Name):
            raise self.source.error("only plain names can be assigned to", node)

    def _if(self, node: ast.If) -> None:
        self.expression(node.test)
        maybe, surely = set(self.maybe), set(self.surely)
        self.statements(node.body)
        body_maybe, body_surely = self.maybe, self.surely
        self.maybe, self.surely = maybe, surely
        self.statements(node.orelse)
        self.maybe = body_maybe | self.maybe
        self.surely = body_surely & self.surely

    def _expr(self, node: ast.Expr) -> None:
        self.expression(node.value)

    def _pass(self, node: ast.Pass) -> None:
        return None


_EXPRESSIONS = {
    ast.Constant: Checker._constant,
    ast.Name: Checker._name,
    ast.BinOp: Checker._binop,
    ast.UnaryOp: Checker._unaryop,
    ast.BoolOp: Checker._boolop,
    ast.Compare: Checker._compare,
    ast.IfExp: Checker._ifexp,
    ast.Call: Checker._call,
    ast.Tuple: Checker._elements,
    ast.List: Checker._elements,
    ast.Set: Checker._elements,
    ast.Subscript: Checker._subscript,
}

_STATEMENTS = {
    ast.Assign: Checker._assign,
    ast.AugAssign: Checker._augassign,
    ast.If: Checker._if,
    ast.Expr: Checker._expr,
    ast.Pass: Checker._pass,
}
