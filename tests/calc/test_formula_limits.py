"""The formula language's bounds: text size, nesting, digits, text and list lengths, exponents."""

from decimal import Decimal

import pytest

from calc.formula import MAX_DEPTH
from calc.formula import MAX_DIGITS
from calc.formula import MAX_ITEMS
from calc.formula import MAX_NODES
from calc.formula import MAX_SOURCE_CHARS
from calc.formula import MAX_STRING
from calc.formula import FormulaError
from calc.formula import compile_formula
from calc.formula import compile_script
from calc.formula import evaluate


def test_text_longer_than_the_bound_is_refused_before_parsing():
    near = "1" + " " * (MAX_SOURCE_CHARS - 1)
    assert evaluate(near) == 1
    with pytest.raises(FormulaError, match=f"text longer than {MAX_SOURCE_CHARS} characters"):
        compile_formula(near + " ")
    with pytest.raises(FormulaError, match="text longer than"):
        compile_script("x = 1\n" * (MAX_SOURCE_CHARS // 6 + 1))


def test_nesting_deeper_than_the_bound_is_refused():
    assert evaluate("-" * (MAX_DEPTH // 2) + "1") == 1
    with pytest.raises(FormulaError, match=f"nested more than {MAX_DEPTH} levels") as caught:
        compile_formula("-" * MAX_DEPTH + "1")
    assert caught.value.column is not None
    with pytest.raises(FormulaError, match="nested more than"):
        compile_formula("-" * 5000 + "1")  # deep enough to exhaust the parser itself
    with pytest.raises(FormulaError):
        compile_formula("(" * 300 + "1" + ")" * 300)


def test_more_parts_than_the_bound_are_refused():
    many = "[" + "x," * (MAX_NODES // 2 + 1) + "]"
    with pytest.raises(FormulaError, match=f"more than {MAX_NODES} parts"):
        compile_formula(many)


def test_numbers_are_bounded_to_max_digits():
    assert evaluate("9" * MAX_DIGITS) == Decimal("9" * MAX_DIGITS)
    with pytest.raises(FormulaError, match="number too large") as caught:
        compile_formula("1 + " + "9" * (MAX_DIGITS + 1))
    assert (caught.value.column, caught.value.token[:3]) == (5, "999")
    with pytest.raises(FormulaError, match="number too large"):
        compile_formula("1e999999")
    with pytest.raises(FormulaError, match="number too large") as caught:
        evaluate("x * 10", {"x": Decimal(10) ** (MAX_DIGITS - 1)})
    assert caught.value.token == "*"
    with pytest.raises(FormulaError, match="number too large"):
        evaluate("x", {"x": 10**MAX_DIGITS})
    with pytest.raises(FormulaError, match="number too large"):
        evaluate("x", {"x": 10**5000})
    with pytest.raises(FormulaError, match="not a finite number"):
        evaluate("x", {"x": Decimal("NaN")})
    with pytest.raises(FormulaError, match="number too large"):
        evaluate("10 ** 70")


def test_text_is_bounded():
    half = "a" * (MAX_STRING // 2)
    assert len(evaluate("s + s", {"s": half})) == MAX_STRING
    with pytest.raises(FormulaError, match=f"text longer than {MAX_STRING} characters"):
        evaluate("s + s + 'b'", {"s": half})
    with pytest.raises(FormulaError, match="text longer than"):
        evaluate("s", {"s": "a" * (MAX_STRING + 1)})
    with pytest.raises(FormulaError, match="text longer than") as caught:
        evaluate('"ab" * n', {"n": 10**50})
    assert (caught.value.column, caught.value.token) == (6, "*")
    assert evaluate('"" * n', {"n": 10**50}) == ""
    assert evaluate('"ab" * -3') == ""


def test_lists_are_bounded():
    assert len(evaluate("[0] * n", {"n": MAX_ITEMS})) == MAX_ITEMS
    with pytest.raises(FormulaError, match=f"list longer than {MAX_ITEMS} items"):
        evaluate("[0] * n", {"n": MAX_ITEMS + 1})
    with pytest.raises(FormulaError, match="tuple longer than"):
        evaluate("rows + rows", {"rows": (0,) * (MAX_ITEMS // 2 + 1)})
    with pytest.raises(FormulaError, match="list longer than"):
        evaluate("len(rows)", {"rows": [0] * (MAX_ITEMS + 1)})
    with pytest.raises(FormulaError, match="repeat count must be a whole number"):
        evaluate("[0] * 1.5")


def test_nested_values_are_bounded():
    deep: list = []
    for _ in range(50):
        deep = [deep]
    with pytest.raises(FormulaError, match="nested deeper"):
        evaluate("x", {"x": deep})
    looping: list = []
    looping.append(looping)
    with pytest.raises(FormulaError, match="nested deeper"):
        evaluate("x", {"x": looping})


@pytest.mark.parametrize(("exponent", "allowed"), [(100, True), (-100, True), (101, False), (-101, False)])
def test_exponents_are_bounded_at_compile_time(exponent, allowed):
    text = f"1.01 ** {exponent}"
    if allowed:
        assert isinstance(evaluate(text), Decimal)
    else:
        with pytest.raises(FormulaError, match="exponent must be a whole number between -100 and 100"):
            compile_formula(text)


def test_exponents_from_variables_are_bounded_when_evaluated():
    formula = compile_formula("base ** power")
    assert formula.evaluate({"base": 2, "power": 3}) == 8
    for power in (Decimal("0.5"), 101, "2"):
        with pytest.raises(FormulaError) as caught:
            formula.evaluate({"base": 2, "power": power})
        assert (caught.value.column, caught.value.token) == (9, "power")
