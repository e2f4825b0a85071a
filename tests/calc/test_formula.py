"""The formula language: exact Decimal results, functions, scripts, and the refusal of every unsafe construct."""

import ast
import pickle
from datetime import date
from datetime import datetime
from decimal import Decimal
from decimal import localcontext
from pathlib import Path

import pytest

import calc.formula
from calc.formula import DEFAULT_FUNCTIONS
from calc.formula import Formula
from calc.formula import FormulaError
from calc.formula import compile_formula
from calc.formula import compile_script
from calc.formula import evaluate

# -- exact arithmetic -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1 + 0.2", Decimal("0.3")),
        ("0.004", Decimal("0.004")),
        ("1_000.50", Decimal("1000.50")),
        ("1e3", Decimal("1E+3")),
        ("0x10", Decimal(16)),
        ("10 / 4", Decimal("2.5")),
        ("1 / 3", Decimal("0.3333333333333333333333333333")),
        ("2 / 3 * 3", Decimal("2.000000000000000000000000000")),
        ("7 // 2", Decimal(3)),
        ("-7 // 2", Decimal(-3)),  # Decimal truncates toward zero, unlike int
        ("-7 % 2", Decimal(-1)),
        ("2 ** 10", Decimal(1024)),
        ("2 ** -2", Decimal("0.25")),
        ("1.10 * 3", Decimal("3.30")),
        ("-(-5)", Decimal(5)),
        ("+2.50", Decimal("2.50")),
    ],
)
def test_arithmetic_is_exact_decimal(text, expected):
    result = evaluate(text)
    assert isinstance(result, Decimal)
    assert result == expected
    assert result.as_tuple() == expected.as_tuple()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 + 3 * 4", Decimal(14)),
        ("(2 + 3) * 4", Decimal(20)),
        ("-2 ** 2", Decimal(-4)),
        ("2 ** 3 ** 2", Decimal(512)),
        ("10 - 4 - 3", Decimal(3)),
        ("100 / 10 / 5", Decimal(2)),
        ("1 + 2 > 2 and 3 < 4", True),
        ("not 1 == 2", True),
        ("False or 0 or 'last'", "last"),
        ("1 and 0 and 2", Decimal(0)),
        ("1 if 2 > 3 else 4 if 5 > 3 else 6", Decimal(4)),
        ("0 <= 5 < 10", True),
        ("0 <= 15 < 10", False),
        ("3 > 2 > 2", False),
    ],
)
def test_precedence_and_logic_follow_python(text, expected):
    assert evaluate(text) == expected


def test_the_plan_example_mixes_ints_and_decimals():
    text = "min(kwh_billed * 0.004, 500) + if_(attainment >= 1.2, bonus, 0)"
    values = {"kwh_billed": 100_000, "attainment": Decimal("1.25"), "bonus": Decimal("150.00")}
    assert evaluate(text, values) == Decimal("550.000")
    assert evaluate(text, {**values, "attainment": Decimal("1.19")}) == Decimal("400.000")
    assert evaluate(text, {**values, "kwh_billed": 200_000}) == Decimal("650.00")


def test_int_variables_come_back_as_decimal():
    result = evaluate("count + 1", {"count": 2})
    assert type(result) is Decimal and result == 3
    assert type(evaluate("count", {"count": 2})) is Decimal


def test_evaluation_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 5
        assert evaluate("1 / 3") == Decimal("0.3333333333333333333333333333")


# -- conditions, text, dates, collections --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        (
            'decision == "approve" and blocking_issues == 0',
            {"decision": "approve", "blocking_issues": 0},
            True,
        ),
        (
            'decision == "approve" and blocking_issues == 0',
            {"decision": "approve", "blocking_issues": 2},
            False,
        ),
        (
            'decision == "approve" and blocking_issues == 0',
            {"decision": "reject", "blocking_issues": 0},
            False,
        ),
        ('status in ("signed", "active")', {"status": "active"}, True),
        ('status not in ["signed", "active"]', {"status": "cancelled"}, True),
        ('"gas" in product', {"product": "gas_business"}, True),
        ("product in products", {"product": "pv", "products": {"pv", "heating"}}, True),
        ('"a" + name == "ab"', {"name": "b"}, True),
        ('"abc" < "abd"', {}, True),
        ('reason != "fraud"', {"reason": None}, True),
        ("reason is None", {"reason": None}, True),
        ("reason is not None", {"reason": "late"}, True),
        ("period_end >= date(2025, 1, 1)", {"period_end": date(2025, 1, 31)}, True),
        ("signed < activated", {"signed": date(2025, 1, 2), "activated": date(2025, 1, 1)}, False),
        ('"P10D"', {}, "P10D"),
        ("timer", {"timer": "PT1H"}, "PT1H"),
        ('limits["gas"]', {"limits": {"gas": 300, "power": 500}}, Decimal(300)),
        ("limits[product]", {"limits": {"gas": 300}, "product": "gas"}, Decimal(300)),
        ("rows[0] + rows[-1]", {"rows": [1, 2, Decimal("3.5")]}, Decimal("4.5")),
        ("table[2]", {"table": {2: "two"}}, "two"),
        ("matrix[1][0]", {"matrix": ((1, 2), (3, 4))}, Decimal(3)),
        ("[1, 2] + [3]", {}, [Decimal(1), Decimal(2), Decimal(3)]),
        ('"ab" * 3', {}, "ababab"),
        ("(1, 2) * 2", {}, (Decimal(1), Decimal(2), Decimal(1), Decimal(2))),
    ],
)
def test_conditions_text_dates_and_collections(text, values, expected):
    assert evaluate(text, values) == expected


# -- functions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min(3, 1.5, 2)", Decimal("1.5")),
        ("max(rows)", Decimal(7)),
        ("min(date(2025, 3, 1), date(2025, 1, 1))", date(2025, 1, 1)),
        ("abs(-2.50)", Decimal("2.50")),
        ("round(2.345)", Decimal("2.35")),  # half up, where Python's round would give 2.34
        ("round(2.5, 0)", Decimal(3)),
        ("round(-2.5, 0)", Decimal(-3)),
        ("round(1 / 3, 4)", Decimal("0.3333")),
        ("round(1250, -2)", Decimal(1300)),
        ("round(2)", Decimal("2.00")),
        ("round(2.345, places=1)", Decimal("2.3")),
        ("floor(-1.5)", Decimal(-2)),
        ("ceil(1.2)", Decimal(2)),
        ("sum(rows)", Decimal(10)),
        ("sum(1, 2.5)", Decimal("3.5")),
        ("sum([])", Decimal(0)),
        ("len(rows)", Decimal(3)),
        ('len("abc")', Decimal(3)),
        ("if_(1 > 2, 'yes', 'no')", "no"),
        ("coalesce(None, missing_bonus, 3, 4)", Decimal(3)),
        ("coalesce(None)", None),
        ('dec("1.50")', Decimal("1.50")),
        ("dec(5)", Decimal(5)),
        ("date(2025, 1, 31)", date(2025, 1, 31)),
        ('date("2025-01-31")', date(2025, 1, 31)),
        ("add_days(date(2025, 1, 31), 10)", date(2025, 2, 10)),
        ("add_days(date(2025, 1, 31), -31)", date(2024, 12, 31)),
        ("add_months(date(2024, 1, 31), 1)", date(2024, 2, 29)),
        ("add_months(date(2024, 3, 31), -13)", date(2023, 2, 28)),
        ("days_between(date(2025, 1, 1), date(2025, 3, 1))", Decimal(59)),
        ("days_between(date(2025, 3, 1), date(2025, 1, 1))", Decimal(-59)),
        ("month_end(date(2024, 2, 10))", date(2024, 2, 29)),
        ("year(date(2024, 2, 10)) * 100 + month(date(2024, 2, 10))", Decimal(202402)),
        ("day(date(2024, 2, 10))", Decimal(10)),
    ],
)
def test_default_functions(text, expected):
    result = evaluate(text, {"rows": [1, 7, 2], "missing_bonus": None})
    assert result == expected
    if isinstance(expected, Decimal):
        assert result.as_tuple() == expected.as_tuple()


def test_if_only_evaluates_the_branch_it_takes():
    text = "if_(n == 0, 0, total / n)"
    assert evaluate(text, {"n": 0, "total": 10}) == 0
    assert evaluate(text, {"n": 4, "total": 10}) == Decimal("2.5")
    assert evaluate("1 if n == 0 else total / n", {"n": 0, "total": 10}) == 1
    assert evaluate("n == 0 or total / n > 1", {"n": 0, "total": 10}) is True


def test_dates_work_with_datetimes_too():
    moment = datetime(2025, 1, 31, 18, 30)
    assert evaluate("add_days(t, 1)", {"t": moment}) == datetime(2025, 2, 1, 18, 30)
    assert evaluate("days_between(date(2025, 1, 1), t)", {"t": moment}) == 30


def test_host_functions_are_called_with_evaluator_values():
    rates = {"gas": Decimal("0.012"), "power": Decimal("0.004")}
    seen = []

    def lookup_rate(product, default=Decimal(0)):
        seen.append((product, default))
        return rates.get(product, default)

    formula = compile_formula("kwh * lookup_rate(product)", functions={"lookup_rate": lookup_rate})
    assert formula.evaluate({"kwh": 1000, "product": "gas"}) == Decimal("12.000")
    assert (
        compile_formula("lookup_rate('x', default=1)", functions={"lookup_rate": lookup_rate}).evaluate() == 1
    )
    assert seen == [("gas", Decimal(0)), ("x", Decimal(1))]
    assert isinstance(seen[1][1], Decimal)
    assert formula.names == frozenset({"kwh", "product"})


def test_host_functions_may_replace_defaults():
    formula = compile_formula("round(x)", functions={"round": lambda value: value * 2})
    assert formula.evaluate({"x": 2}) == 4
    assert evaluate("round(x)", {"x": Decimal("1.005")}) == Decimal("1.01")


def test_host_function_returning_a_float_is_refused():
    formula = compile_formula("rate(1)", functions={"rate": lambda value: 0.04})
    with pytest.raises(FormulaError, match="refusing float") as caught:
        formula.evaluate()
    assert (caught.value.column, caught.value.token) == (1, "rate(1)")


def test_host_function_failure_becomes_a_formula_error():
    def broken(value):
        raise KeyError(value)

    formula = compile_formula("1 + broken(2)", functions={"broken": broken})
    with pytest.raises(FormulaError, match=r"broken\(\) failed") as caught:
        formula.evaluate()
    assert caught.value.column == 5
    assert isinstance(caught.value.__cause__, KeyError)


@pytest.mark.parametrize(
    ("functions", "message"),
    [
        ({"run": eval}, "builtin"),
        ({"attr": getattr}, "builtin"),
        ({"_hidden": abs}, "starts with '_'"),
        ({"not valid": abs}, "not an identifier"),
        ({"lambda": abs}, "not an identifier"),
        ({"rate": 0.04}, "not callable"),
    ],
)
def test_dangerous_or_malformed_host_functions_are_refused(functions, message):
    with pytest.raises(ValueError, match=message):
        compile_formula("1", functions=functions)


def test_default_functions_are_read_only():
    assert {"min", "max", "abs", "round", "floor", "ceil", "sum", "len", "if_", "coalesce", "dec"} <= set(
        DEFAULT_FUNCTIONS
    )
    assert {"add_days", "add_months", "days_between", "date"} <= set(DEFAULT_FUNCTIONS)
    with pytest.raises(TypeError):
        DEFAULT_FUNCTIONS["eval"] = eval


# -- scripts ---------------------------------------------------------------------------------------------

SCRIPT = """
review_deadline = add_days(period_end, 10)
carried = open_disputes > 0
if carried:
    status = "held"
elif amount >= 1000:
    status = "review"
else:
    status = "approved"
amount += 0.50
"""


def test_script_returns_new_and_changed_variables_without_touching_its_input():
    values = {"period_end": date(2025, 1, 31), "open_disputes": 0, "amount": 1200}
    before = dict(values)
    result = compile_script(SCRIPT).execute(values)
    assert result == {
        "review_deadline": date(2025, 2, 10),
        "carried": False,
        "status": "review",
        "amount": Decimal("1200.50"),
    }
    assert values == before


@pytest.mark.parametrize(
    ("open_disputes", "amount", "status"),
    [(1, 5000, "held"), (0, 999, "approved"), (0, 1000, "review")],
)
def test_script_if_elif_else_takes_one_branch(open_disputes, amount, status):
    values = {"period_end": date(2025, 1, 31), "open_disputes": open_disputes, "amount": amount}
    assert compile_script(SCRIPT).execute(values)["status"] == status


def test_script_names_and_targets():
    script = compile_script(SCRIPT)
    assert script.names == frozenset({"period_end", "open_disputes", "amount"})
    assert script.targets == frozenset({"review_deadline", "carried", "status", "amount"})
    maybe = compile_script("if flag:\n    bonus = 1\ntotal = bonus + 1", names={"flag"})
    assert maybe.names == frozenset({"flag", "bonus"})  # bonus is input when flag is false
    assert maybe.execute({"flag": True}) == {"bonus": 1, "total": 2}
    with pytest.raises(FormulaError, match="name 'bonus' is not defined") as caught:
        maybe.execute({"flag": False})
    assert (caught.value.line, caught.value.column, caught.value.token) == (3, 9, "bonus")


def test_script_leaves_out_assignments_that_change_nothing():
    script = compile_script("same = same\nlabel = 'x'\nmore = more * 1.0")
    assert script.execute({"same": 3, "label": "x", "more": 2}) == {"more": Decimal("2.0")}


def test_script_statements_see_earlier_assignments_and_bare_expressions_run():
    calls = []
    script = compile_script(
        "x = 2\ny = x * 3\nnotify(y)\npass",
        names=(),
        functions={"notify": lambda value: calls.append(value)},
    )
    assert script.execute({}) == {"x": 2, "y": 6}
    assert calls == [6]


def test_script_indented_like_a_bpmn_file_runs():
    script = compile_script("\n        a = 1\n        if a:\n            b = a + x\n")
    assert script.execute({"x": 2}) == {"a": 1, "b": 3}


def test_script_indented_like_a_bpmn_file_points_at_the_users_columns():
    with pytest.raises(FormulaError) as caught:
        compile_script("\n        a = 1\n        if a:\n            b = a + x.y\n")
    assert (caught.value.line, caught.value.column, caught.value.token) == (4, 22, ".y")


# -- refusals --------------------------------------------------------------------------------------------

REFUSED = [
    ("().__class__.__bases__", "attribute access is not allowed", 3, ".__class__"),
    ("x.__class__", "attribute access is not allowed", 2, ".__class__"),
    ("x if y else z.w", "attribute access is not allowed", 14, ".w"),
    ('"".join(rows)', "attribute access is not allowed", 3, ".join"),
    ('__import__("os")', "names starting with '_' are not allowed", 1, "__import__"),
    ("_secret + 1", "names starting with '_' are not allowed", 1, "_secret"),
    ("round(x, _places=2)", "names starting with '_' are not allowed", 10, "_places"),
    ('getattr(x, "y")', "function 'getattr' is not allowed", 1, "getattr"),
    ('open("/etc/passwd")', "function 'open' is not allowed", 1, "open"),
    ('eval("1")', "function 'eval' is not allowed", 1, "eval"),
    ('1 + exec("1")', "function 'exec' is not allowed", 5, "exec"),
    ("x()()", "function 'x' is not allowed", 1, "x"),
    ("rows[0](1)", "only functions can be called, by their name", 1, "rows[0]"),
    ("[c for c in x]", "comprehensions are not allowed", 1, "[c for c in x]"),
    ("{c: 1 for c in x}", "comprehensions are not allowed", 1, "{c: 1 for c in x}"),
    ("sum(c for c in x)", "generator expressions are not allowed", 4, "(c for c in x)"),
    ("lambda: 1", "lambda is not allowed", 1, "lambda: 1"),
    ("(lambda: 1)()", "lambda is not allowed", 2, "lambda: 1"),
    ('f"{x}"', "f-strings are not allowed", 1, 'f"{x}"'),
    ("(y := 1)", "assignment expressions (:=) are not allowed", 2, "y := 1"),
    ("max(*rows)", "starred arguments are not allowed", 5, "*rows"),
    ("round(x, **options)", "'**' arguments are not allowed", 10, "**options"),
    ('{"a": 1}', "dict literals are not allowed", 1, '{"a": 1}'),
    ("rows[1:2]", "slices are not allowed", 6, "1:2"),
    ("rows[i + 1]", "an index must be a constant or a name", 6, "i + 1"),
    ('x["__class__"]', "text with double-underscore names is not allowed", 3, '"__class__"'),
    ("2 ** 10000", "exponent must be a whole number between -100 and 100", 6, "10000"),
    ("2 ** -101", "exponent must be a whole number between -100 and 100", 6, "-101"),
    ("2 ** 0.5", "exponent must be a whole number between -100 and 100", 6, "0.5"),
    ("1 | 2", "operator '|' is not allowed", 3, "|"),
    ("x @ y", "operator '@' is not allowed", 3, "@"),
    ("~x", "operator '~' is not allowed", 1, "~"),
    ("x is 1", "'is' can only compare with None", 3, "is"),
    ("1j", "complex numbers are not allowed", 1, "1j"),
    ("b'x'", "bytes literals are not allowed", 1, "b'x'"),
    ("abs(1, 2)", "abs(): too many positional arguments", 1, "abs(1, 2)"),
    ("add_days(d)", "add_days(): missing a required argument: 'days'", 1, "add_days(d)"),
    ('"a\\d"', "invalid escape sequence '\\d'", 3, "\\d"),
    ("1if x else 2", "put a space between a number and a word", 2, "if"),
    ("1 +* 2", "invalid syntax", 4, "*"),
    ("(1 + 2", "syntax error: '(' was never closed", 1, "("),
    ("x = 1", "invalid syntax", 3, "="),
    ("import os", "invalid syntax", 1, "import"),
]


@pytest.mark.parametrize(("text", "message", "column", "token"), REFUSED)
def test_unsafe_constructs_are_refused_when_saved(text, message, column, token):
    with pytest.raises(FormulaError) as caught:
        compile_formula(text)
    error = caught.value
    assert error.message.startswith(message)
    assert (error.text, error.line, error.column, error.token) == (text, 1, column, token)
    assert str(error) == f"{error.message} at column {column}: {token!r}"


def test_error_message_points_at_the_token():
    with pytest.raises(FormulaError) as caught:
        compile_formula("().__class__.__bases__")
    assert str(caught.value) == "attribute access is not allowed at column 3: '.__class__'"


RUNTIME_REFUSED = [
    ('"a" * 10**9', {}, "text longer than 10000 characters", 5, "*"),
    ("x * 2", {"x": 0.5}, "variable 'x': refusing float 0.5", 1, "x"),
    ("1 + x", {"x": [Decimal(1), 0.5]}, "variable 'x': refusing float 0.5", 5, "x"),
    ("1 / 0", {}, "division by zero", 3, "/"),
    ("x // y", {"x": 1, "y": 0}, "division by zero", 3, "//"),
    ("x % y", {"x": 1, "y": Decimal("0.00")}, "division by zero", 3, "%"),
    ("0 ** -1", {}, "division by zero", 3, "**"),
    ("2 ** n", {"n": 1000}, "exponent must be a whole number between -100 and 100", 6, "n"),
    ('"a" + 1', {}, "cannot use '+' on text and number", 5, "+"),
    ('"a" < 1', {}, "cannot compare text and number with '<'", 5, "<"),
    ("a + b", {"a": 1}, "name 'b' is not defined", 5, "b"),
    ('limits["oil"]', {"limits": {"gas": 1}}, "key 'oil' not found", 8, '"oil"'),
    ("rows[5]", {"rows": [1]}, "index 5 out of range for 1 items", 6, "5"),
    ("x[0]", {"x": Decimal(1)}, "cannot take an item of number", 1, "x[0]"),
    ("min(rows)", {"rows": []}, "min() of nothing", 1, "min(rows)"),
    ('date("2025-02-30")', {}, "date(): not a date", 1, 'date("2025-02-30")'),
    ('dec("abc")', {}, "dec(): not an amount", 1, 'dec("abc")'),
    ("-x", {"x": "text"}, "cannot use '-' on text", 1, "-x"),
    ("x", {"x": object()}, "variable 'x': unsupported value of type object", 1, "x"),
]


@pytest.mark.parametrize(("text", "values", "message", "column", "token"), RUNTIME_REFUSED)
def test_runtime_errors_point_at_the_token(text, values, message, column, token):
    formula = compile_formula(text)
    with pytest.raises(FormulaError) as caught:
        formula.evaluate(values)
    error = caught.value
    assert error.message.startswith(message)
    assert (error.line, error.column, error.token) == (1, column, token)


SCRIPT_REFUSED = [
    ("import os", "import is not allowed", 1, 1, "import os"),
    ("x = 1\nfrom os import path", "import is not allowed", 2, 1, "from os import path"),
    ("x.y = 1", "only plain names can be assigned to", 1, 1, "x.y"),
    ("x[0] = 1", "only plain names can be assigned to", 1, 1, "x[0]"),
    ("a, b = 1, 2", "only plain names can be assigned to", 1, 1, "a, b"),
    ("_x = 1", "names starting with '_' are not allowed", 1, 1, "_x"),
    ("for i in rows: pass", "loops are not allowed", 1, 1, "for i in rows: pass"),
    ("while True: pass", "loops are not allowed", 1, 1, "while True: pass"),
    ("def f(): pass", "function and class definitions are not allowed", 1, 1, "def f(): pass"),
    ("class A: pass", "function and class definitions are not allowed", 1, 1, "class A: pass"),
    ("with open(p): pass", "with blocks are not allowed", 1, 1, "with open(p): pass"),
    ("try:\n    x = 1\nexcept E:\n    pass", "try blocks are not allowed", 1, 1, "try:"),
    ("del x", "del is not allowed", 1, 1, "del x"),
    ("global x", "global and nonlocal are not allowed", 1, 1, "global x"),
    ("return 1", "return is not allowed", 1, 1, "return 1"),
    ("x: int = 1", "annotated assignments are not allowed", 1, 1, "x: int = 1"),
    ("x |= 1", "operator '|=' is not allowed", 1, 3, "|="),
    ("if a:\n    b = a.__class__", "attribute access is not allowed", 2, 10, ".__class__"),
    ("x = 1\ny = x +", "invalid syntax", 2, 8, ""),
]


@pytest.mark.parametrize(("text", "message", "line", "column", "token"), SCRIPT_REFUSED)
def test_script_constructs_are_refused(text, message, line, column, token):
    with pytest.raises(FormulaError) as caught:
        compile_script(text)
    error = caught.value
    assert error.message.startswith(message)
    assert (error.line, error.column, error.token) == (line, column, token)


def test_multi_line_errors_name_the_line():
    with pytest.raises(FormulaError) as caught:
        compile_script("x = 1\ny = x.__class__")
    assert str(caught.value) == "attribute access is not allowed at line 2, column 6: '.__class__'"


def test_columns_count_characters_not_bytes():
    with pytest.raises(FormulaError) as caught:
        compile_formula('"perché" + x.y')
    assert (caught.value.column, caught.value.token) == (13, ".y")


def test_leading_space_is_accepted_and_counted_in_columns():
    assert evaluate("  1 + 1") == 2
    with pytest.raises(FormulaError) as caught:
        compile_formula("  x.y")
    assert caught.value.column == 4


# -- compile-time names ----------------------------------------------------------------------------------


def test_unknown_names_are_refused_at_compile_time_when_names_are_given():
    assert compile_formula("a + b", names={"a", "b"}).names == frozenset({"a", "b"})
    with pytest.raises(FormulaError) as caught:
        compile_formula("a + b", names={"a"})
    assert (caught.value.message, caught.value.column, caught.value.token) == ("unknown name 'b'", 5, "b")
    with pytest.raises(FormulaError, match="function 'min' must be called"):
        compile_formula("a + min", names=["a"])
    with pytest.raises(TypeError):
        compile_formula("a", names="a")


def test_without_names_unknown_variables_fail_only_when_reached():
    formula = compile_formula("a if flag else b")
    assert formula.names == frozenset({"a", "flag", "b"})
    assert formula.evaluate({"flag": True, "a": 1}) == 1
    with pytest.raises(FormulaError, match="name 'b' is not defined"):
        formula.evaluate({"flag": False, "a": 1})


def test_script_names_check_follows_assignments():
    compile_script("y = x + 1\nz = y * 2", names={"x"})
    with pytest.raises(FormulaError) as caught:
        compile_script("z = y\ny = 1", names={"x"})
    assert (caught.value.line, caught.value.column, caught.value.token) == (1, 5, "y")
    with pytest.raises(FormulaError, match="unknown name 'total'"):
        compile_script("total += 1", names=())


def test_formula_names_leave_out_functions():
    assert compile_formula("min(a, b) + a * c if d else 0").names == frozenset({"a", "b", "c", "d"})


# -- the error and the compiled objects ------------------------------------------------------------------


def test_formula_error_is_a_value_error_that_survives_pickling():
    with pytest.raises(ValueError) as caught:
        compile_formula("x.y")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, FormulaError)
    assert (copy.message, copy.text, copy.line, copy.column, copy.token) == (
        "attribute access is not allowed",
        "x.y",
        1,
        2,
        ".y",
    )
    assert str(copy) == str(caught.value)


def test_formula_is_frozen_and_compares_by_text():
    formula = compile_formula("a + 1")
    assert isinstance(formula, Formula)
    with pytest.raises(AttributeError):
        formula.text = "b"
    assert formula == compile_formula("a + 1")
    assert formula.evaluate({"a": 1}) == formula.evaluate({"a": 1}) == 2


def test_the_package_never_calls_eval_exec_or_compile():
    # The whole point of the package: user text is interpreted, never turned into code.
    for path in Path(calc.formula.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        called = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__"}, path
