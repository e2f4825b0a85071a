"""Compiled formulas and scripts: checked once when saved, evaluated many times against variables."""

import builtins
import functools
import keyword
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal
from decimal import localcontext
from types import MappingProxyType

from .checker import Checker
from .errors import FormulaError
from .errors import Source
from .functions import DEFAULT_FUNCTIONS
from .interpreter import Interpreter
from .parsing import parse
from .values import DECIMAL_CONTEXT
from .values import import_value

_EMPTY: Mapping[str, object] = MappingProxyType({})

# Builtins that must never become formula functions, whatever a host registers: each one reopens what the
# evaluator closes (code execution, attribute walks, files, the interpreter's namespaces).
_FORBIDDEN = tuple(
    vars(builtins)[name]
    for name in (
        "eval",
        "exec",
        "compile",
        "open",
        "getattr",
        "setattr",
        "delattr",
        "__import__",
        "globals",
        "locals",
        "vars",
        "dir",
        "type",
        "object",
        "breakpoint",
        "input",
        "memoryview",
    )
)


@dataclass(frozen=True)
class Formula:
    """A checked expression: ``names`` are the variables it reads, ``evaluate`` computes it."""

    text: str
    names: frozenset[str]
    source: Source = field(repr=False, compare=False)
    tree: object = field(repr=False, compare=False)
    functions: Mapping[str, Callable] = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, object] = _EMPTY) -> object:
        """Return the value of the formula for ``values`` (a Decimal for arithmetic)."""
        with localcontext(DECIMAL_CONTEXT):
            return Interpreter(self.source, self.functions, values).expression(self.tree.body)


@dataclass(frozen=True)
class Script:
    """Checked statements: ``names`` are the variables read before being set, ``targets`` those it may set."""

    text: str
    names: frozenset[str]
    targets: frozenset[str]
    source: Source = field(repr=False, compare=False)
    tree: object = field(repr=False, compare=False)
    functions: Mapping[str, Callable] = field(repr=False, compare=False)

    def execute(self, values: Mapping[str, object] = _EMPTY) -> dict[str, object]:
        """Run the script on a copy of ``values`` and return the variables it created or changed."""
        interpreter = Interpreter(self.source, self.functions, values)
        with localcontext(DECIMAL_CONTEXT):
            interpreter.statements(self.tree.body)
        return {
            name: value
            for name, value in interpreter.assigned.items()
            if name not in values or not _unchanged(values[name], value)
        }


def _unchanged(old, new) -> bool:
    try:
        old = import_value(old)
    except FormulaError:
        return False
    if type(old) is not type(new) or old != new:
        return False
    return not isinstance(new, Decimal) or old.as_tuple() == new.as_tuple()


def _function_table(functions: Mapping[str, Callable] | None) -> Mapping[str, Callable]:
    if not functions:
        return DEFAULT_FUNCTIONS
    for name, function in functions.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"function name {name!r} is not an identifier")
        if name.startswith("_"):
            raise ValueError(f"function name {name!r} starts with '_', which formulas cannot call")
        if not callable(function):
            raise ValueError(f"function {name!r} is not callable")
        if any(function is forbidden for forbidden in _FORBIDDEN):
            raise ValueError(f"function {name!r} is the builtin {function!r}, which formulas must not reach")
    return MappingProxyType({**DEFAULT_FUNCTIONS, **functions})


def _known(names: Iterable[str] | None) -> frozenset[str] | None:
    if names is None:
        return None
    if isinstance(names, str):
        raise TypeError("names must be an iterable of variable names, not one str")
    return frozenset(names)


def compile_formula(
    text: str,
    names: Iterable[str] | None = None,
    functions: Mapping[str, Callable] | None = None,
) -> Formula:
    """Check a formula (against the variable ``names`` if given) and return it ready to evaluate."""
    if not isinstance(text, str):
        raise TypeError(f"a formula is text, not {type(text).__name__}")
    table = _function_table(functions)
    source = Source(text)
    tree = parse(source, "eval")
    checker = Checker(source, table, _known(names))
    checker.expression(tree.body)
    return Formula(text, frozenset(checker.reads), source, tree, table)


def compile_script(
    text: str,
    names: Iterable[str] | None = None,
    functions: Mapping[str, Callable] | None = None,
) -> Script:
    """Check a script of assignments, ``if`` blocks and expressions and return it ready to execute."""
    if not isinstance(text, str):
        raise TypeError(f"a script is text, not {type(text).__name__}")
    table = _function_table(functions)
    source = Source(text)
    tree = parse(source, "exec")
    checker = Checker(source, table, _known(names))
    checker.statements(tree.body)
    return Script(text, frozenset(checker.reads), frozenset(checker.maybe), source, tree, table)


@functools.lru_cache(maxsize=512)
def _compiled(text: str) -> Formula:
    return compile_formula(text)


def evaluate(
    text: str,
    values: Mapping[str, object] = _EMPTY,
    functions: Mapping[str, Callable] | None = None,
) -> object:
    """Compile and evaluate ``text`` in one step (gateway conditions, timer expressions)."""
    if functions:
        return compile_formula(text, functions=functions).evaluate(values)
    if not isinstance(text, str):
        raise TypeError(f"a formula is text, not {type(text).__name__}")
    return _compiled(text).evaluate(values)
