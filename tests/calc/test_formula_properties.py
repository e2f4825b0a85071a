"""Properties of the formula evaluator: it is Decimal arithmetic, and no text makes it fail any other way."""

import operator
from datetime import date
from decimal import Context
from decimal import Decimal
from decimal import localcontext

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from calc.formula import FormulaError
from calc.formula import compile_script
from calc.formula import evaluate
from calc.money import round_cents

amounts = st.builds(
    lambda coefficient, exponent: Decimal(coefficient).scaleb(exponent),
    st.integers(-(10**18), 10**18),
    st.integers(-10, 10),
)

OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
}


def _python(symbol, left, right):
    # Python's own Decimal arithmetic in a fresh default context (28 digits, half even).
    with localcontext(Context()):
        return OPERATORS[symbol](left, right)


@given(left=amounts, right=amounts, symbol=st.sampled_from(sorted(OPERATORS)))
def test_arithmetic_on_variables_is_python_decimal_arithmetic(left, right, symbol):
    try:
        expected = _python(symbol, left, right)
    except ArithmeticError:
        expected = None
    try:
        result = evaluate(f"a {symbol} b", {"a": left, "b": right})
    except FormulaError:
        assert expected is None
    else:
        assert result == expected
        assert result.as_tuple() == expected.as_tuple()


@given(left=amounts, right=amounts, symbol=st.sampled_from(["+", "-", "*", "/"]))
def test_arithmetic_on_literals_is_python_decimal_arithmetic(left, right, symbol):
    text = f"({left}) {symbol} ({right})"
    if symbol == "/" and not right:
        return
    assert evaluate(text) == _python(symbol, left, right)


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=0, max_value=10**20, places=6))
def test_a_literal_is_the_decimal_of_its_text(value):
    assert evaluate(str(value)).as_tuple() == value.as_tuple()


@given(amounts)
def test_round_is_the_money_policys_rounding(value):
    try:
        with localcontext(Context()):
            expected = round_cents(value)
    except ArithmeticError:  # more than 28 digits once in cents
        expected = None
    try:
        assert evaluate("round(x)", {"x": value}) == expected
    except FormulaError:
        assert expected is None


@given(base=amounts, power=st.integers(-5, 5))
def test_power_is_python_decimal_power(base, power):
    try:
        with localcontext(Context()):
            expected = base**power
    except ArithmeticError:  # 0 ** 0
        expected = None
    try:
        result = evaluate(f"b ** {power}", {"b": base})
    except FormulaError:
        # refused: no finite result (0 ** -1), or more digits than a formula value may have
        assert expected is None or not expected.is_finite() or expected.adjusted() >= 60
    else:
        assert result == expected
        assert result.as_tuple() == expected.as_tuple()


VALUES = {
    "x": Decimal("12.5"),
    "n": 3,
    "s": "approve",
    "rows": [1, 2, 3],
    "d": {"gas": 1},
    "day": date(2025, 1, 31),
    "none": None,
}

TOKENS = [
    "x", "n", "s", "rows", "d", "day", "none", "1", "0", "0.5", "100", "1e99", "9" * 70, '"a"', '"__class__"',
    "(", ")", "[", "]", "{", "}", ",", ".", ":", "=", "+", "-", "*", "/", "//", "%", "**", "==", "<", ">=",
    "in", "not", "and", "or", "if", "else", "is", "None", "True", "lambda", "for", "import", "_", "__class__",
    "min", "max", "round", "if_", "add_days", "add_months", "date", "len", "sum", "dec", "coalesce", "floor",
    "open", "eval", "getattr", "\n", "    ", "#", "'", '"', "\\", "@", "~", "|", ";",
]  # fmt: skip


def _run(text: str) -> None:
    try:
        evaluate(text, VALUES)
    except FormulaError as exc:
        assert isinstance(str(exc), str)
    try:
        compile_script(text).execute(VALUES)
    except FormulaError as exc:
        assert isinstance(str(exc), str)


@pytest.mark.filterwarnings("error")  # nor does the parser leak warnings
@settings(max_examples=300)
@given(st.text(max_size=120))
def test_arbitrary_text_raises_nothing_but_formula_error(text):
    _run(text)


@pytest.mark.filterwarnings("error")
@settings(max_examples=500)
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_arbitrary_token_soup_raises_nothing_but_formula_error(text):
    _run(text)
