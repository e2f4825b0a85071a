"""The one restricted evaluator for user-written formulas and BPMN scripts.

Commission plans hold formulas (``min(kwh_billed * 0.004, 500) + if_(attainment >= 1.2, bonus, 0)``); BPMN
models hold gateway conditions (``decision == "approve" and blocking_issues == 0``), timer expressions
(``"P10D"``) and short scripts (``review_deadline = add_days(period_end, 10)``). All of them go through here,
never through ``eval``/``exec``: the text is parsed with ``ast`` and a whitelisted subset is interpreted by
this package's own tree walker.

The language
    Numbers (exact Decimals, from the literal's text), text, True/False/None, variables, ``+ - * / // % **``,
    unary ``- + not``, comparisons (chained, ``in``/``not in``, ``is None``), ``and``/``or``,
    ``a if c else b``, tuple/list/set literals, ``d["key"]`` and ``rows[0]`` with a constant or a name as
    index, and calls of ``DEFAULT_FUNCTIONS`` plus the functions a host registers. Scripts add ``x = expr``,
    ``x += expr``, ``if``/``elif``/``else`` and bare expressions.

Refused, with a ``FormulaError`` pointing at the token
    Attribute access, names starting with ``_``, double-underscore text, imports, lambdas, comprehensions,
    f-strings, ``:=``, starred and ``**`` arguments, dict literals, slices, loops, definitions, calls of
    anything not registered, floats passed in, exponents outside -100..100, values over their bounds (60
    digits, 10,000 characters, 10,000 items), oversized or overly nested text, division by zero.

Money policy: amounts are Decimal (see ``calc.money``), arithmetic runs in ``DECIMAL_CONTEXT`` (28 digits),
``round`` rounds half up to cents unless told otherwise.
"""

from .errors import FormulaError
from .functions import DEFAULT_FUNCTIONS
from .program import Formula
from .program import Script
from .program import compile_formula
from .program import compile_script
from .program import evaluate
from .values import DECIMAL_CONTEXT
from .values import MAX_DEPTH
from .values import MAX_DIGITS
from .values import MAX_EXPONENT
from .values import MAX_ITEMS
from .values import MAX_NODES
from .values import MAX_SOURCE_CHARS
from .values import MAX_STRING

__all__ = [
    "DECIMAL_CONTEXT",
    "DEFAULT_FUNCTIONS",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_ITEMS",
    "MAX_NODES",
    "MAX_SOURCE_CHARS",
    "MAX_STRING",
    "Formula",
    "FormulaError",
    "Script",
    "compile_formula",
    "compile_script",
    "evaluate",
]
