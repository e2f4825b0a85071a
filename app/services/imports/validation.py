"""Validating a file's columns against its layout, set-based: one polars pass for every value of every field.

Each field kind has a reader that turns trimmed text into a typed column (dates, exact scaled integers for
decimals, booleans, upper-cased codes) and the checks that flag the values it cannot read. Then the rules across
fields: pairs of dates in order, fields that go together, and duplicate keys within the file. Check digits (VAT
numbers, fiscal codes, IBANs) are verified with python-stdnum once per distinct value.

Decimals never pass through float: ``money`` becomes integer cents, ``volume`` integer thousandths and ``rate``
integer millionths (see :func:`scaled_text` for the way back to exact decimal text).

The result is the typed frame (one column per field, plus ``_row``) and the problems found; a value that cannot
be read is null in the typed frame, so later checks (references, lifecycle) do not report it twice.
"""

from dataclasses import dataclass

import polars as pl
from stdnum import iban as iban_number
from stdnum.it import codicefiscale
from stdnum.it import iva

from app.services.imports.layouts import Field
from app.services.imports.layouts import Layout
from app.services.imports.problems import ERROR
from app.services.imports.problems import ProblemLog
from app.services.imports.readers import ROW
from workflows import clock

TRUE_WORDS = ("1", "true", "yes", "si", "sì", "s", "y", "vero", "x")
FALSE_WORDS = ("0", "false", "no", "n", "falso")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")
LOCAL_TIME_ZONE = clock.COMPANY_TIME_ZONE.key
INTEGER_DIGITS = {"money": 12, "volume": 13, "rate": 6}
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9._/-]*$"
SUPPLY_POINT_PATTERN = r"^(IT\d{3}E\d{8,9}|\d{14})$"
POD_PATTERN = r"^IT\d{3}E\d{8,9}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


@dataclass(frozen=True)
class Check:
    """Rows where ``bad`` holds get the problem ``code`` on ``column``."""

    column: str
    bad: pl.Expr
    code: str
    params: dict | None = None
    severity: str = ERROR


def typed(name: str) -> str:
    """Return the name of the typed column of field ``name`` while checks run."""
    return f"{name}__typed"


@dataclass(frozen=True)
class Reading:
    """How a field is read: column assignments applied in order (the last one fills ``typed(name)``; each
    step may use the columns of the steps before, so no expression is computed twice), and its checks."""

    steps: list[dict[str, pl.Expr]]
    checks: list[Check]


def _text(field: Field, raw: pl.Expr) -> Reading:
    checks = []
    if field.max_length:
        checks.append(Check(field.name, raw.str.len_chars() > field.max_length, "too_long", {"max": field.max_length}))
    if field.pattern:
        checks.append(Check(field.name, ~raw.str.contains(field.pattern), "bad_format", {"hint": field.pattern_hint}))
    return Reading([{typed(field.name): raw}], checks)


def _code(field: Field, raw: pl.Expr) -> Reading:
    value = pl.col(typed(field.name))
    checks = [Check(field.name, ~value.str.contains(CODE_PATTERN), "bad_code")]
    if field.max_length:
        checks.append(Check(field.name, raw.str.len_chars() > field.max_length, "too_long", {"max": field.max_length}))
    return Reading([{typed(field.name): raw.str.to_uppercase()}], checks)


def _dated(field: Field, raw: pl.Expr, parsed: pl.Expr, code: str) -> Reading:
    name = typed(field.name)
    in_range = pl.when(pl.col(name).dt.year().is_between(1900, 2100)).then(pl.col(name))
    return Reading([{name: parsed}, {name: in_range}], [Check(field.name, raw.is_not_null() & pl.col(name).is_null(), code)])


def _date(field: Field, raw: pl.Expr) -> Reading:
    parsed = pl.coalesce([raw.str.to_date(fmt, strict=False) for fmt in DATE_FORMATS])
    return _dated(field, raw, parsed, "not_a_date")


def _datetime(field: Field, raw: pl.Expr) -> Reading:
    local = pl.coalesce([raw.str.to_datetime(fmt, strict=False, time_unit="us") for fmt in DATETIME_FORMATS])
    parsed = (local.dt.replace_time_zone(LOCAL_TIME_ZONE, ambiguous="earliest", non_existent="null")
              .dt.convert_time_zone("UTC"))
    return _dated(field, raw, parsed, "not_a_datetime")


def _bounds(field: Field, scale: int = 1) -> list[Check]:
    value, checks = pl.col(typed(field.name)), []
    if field.minimum is not None:
        checks.append(Check(field.name, value < field.minimum * scale, "below_minimum", {"min": field.minimum}))
    if field.maximum is not None:
        checks.append(Check(field.name, value > field.maximum * scale, "above_maximum", {"max": field.maximum}))
    return checks


def _integer(field: Field, raw: pl.Expr) -> Reading:
    readable = raw.str.contains(r"^[+-]?\d{1,15}$")
    value = pl.when(readable).then(raw.str.strip_chars_start("+").cast(pl.Int64, strict=False))
    return Reading([{typed(field.name): value}],
                   [Check(field.name, raw.is_not_null() & ~readable, "not_an_integer"), *_bounds(field)])


def decimal_text(raw: pl.Expr) -> pl.Expr:
    """Return ``raw`` with ``.`` as the only separator: the last of ``.``/``,`` is decimal, others thousands."""
    compact = raw.str.replace_all(" ", "", literal=True)
    comma_is_decimal = compact.str.contains(r",[^.,]*$")
    return (pl.when(comma_is_decimal)
            .then(compact.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
            .otherwise(compact.str.replace_all(",", "", literal=True)))


def _decimal(field: Field, raw: pl.Expr) -> Reading:
    places, digits, name = field.places, INTEGER_DIGITS[field.kind], field.name
    text, whole, fraction, readable = (pl.col(f"{name}__{part}") for part in ("text", "whole", "fraction", "readable"))
    parts = {f"{name}__whole": text.str.extract(r"^[+-]?(\d*)", 1).str.strip_chars_start("0"),
             f"{name}__fraction": text.str.extract(r"\.(\d*)$", 1).fill_null("").str.strip_chars_end("0"),
             f"{name}__readable": text.str.contains(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")}
    fits = readable & (whole.str.len_chars() <= digits) & (fraction.str.len_chars() <= places)
    magnitude = (pl.when(whole == "").then(pl.lit("0")).otherwise(whole).cast(pl.Int64, strict=False) * 10 ** places
                 + fraction.str.pad_end(places, "0").cast(pl.Int64, strict=False))
    value = pl.when(fits).then(pl.when(text.str.starts_with("-")).then(-magnitude).otherwise(magnitude))
    checks = [
        Check(name, raw.is_not_null() & ~readable, "not_a_number"),
        Check(name, readable & (whole.str.len_chars() > digits), "too_large", {"digits": digits}),
        Check(name, readable & (fraction.str.len_chars() > places), "too_many_places", {"places": places}),
        *_bounds(field, 10 ** places),
    ]
    return Reading([{f"{name}__text": decimal_text(raw)}, parts, {typed(name): value}], checks)


def scaled_text(value: pl.Expr, places: int) -> pl.Expr:
    """Return exact decimal text (``-12.30``) for an integer column scaled by ``10 ** places``."""
    magnitude = value.abs()
    return pl.concat_str([
        pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (magnitude // 10 ** places).cast(pl.String),
        pl.lit("."),
        (magnitude % 10 ** places).cast(pl.String).str.pad_start(places, "0"),
    ])


def _boolean(field: Field, raw: pl.Expr) -> Reading:
    word = raw.str.to_lowercase()
    value = pl.when(word.is_in(TRUE_WORDS)).then(True).when(word.is_in(FALSE_WORDS)).then(False)
    return Reading([{typed(field.name): value}],
                   [Check(field.name, raw.is_not_null() & pl.col(typed(field.name)).is_null(), "not_a_boolean")])


def _choice(field: Field, raw: pl.Expr) -> Reading:
    return Reading([{typed(field.name): raw.str.to_lowercase()}],
                   [Check(field.name, ~pl.col(typed(field.name)).is_in(field.choices), "not_in_choices",
                          {"choices": ", ".join(field.choices)})])


def _compact(raw: pl.Expr) -> pl.Expr:
    return raw.str.replace_all(r"[\s.\-]", "").str.to_uppercase()


def _vat(field: Field, raw: pl.Expr) -> Reading:
    return Reading([{typed(field.name): _compact(raw).str.strip_prefix("IT")}], [])


def _supply_point(field: Field, raw: pl.Expr) -> Reading:
    value = raw.str.replace_all(r"\s", "").str.to_uppercase()
    return Reading([{typed(field.name): value}],
                   [Check(field.name, ~pl.col(typed(field.name)).str.contains(SUPPLY_POINT_PATTERN), "bad_supply_point")])


def _email(field: Field, raw: pl.Expr) -> Reading:
    reading = _text(field, raw)
    return Reading(reading.steps, [*reading.checks, Check(field.name, ~raw.str.contains(EMAIL_PATTERN), "bad_email")])


def _compacted(field: Field, raw: pl.Expr) -> Reading:
    return Reading([{typed(field.name): _compact(raw)}], [])


READERS = {
    "text": _text, "id": _text, "code": _code, "date": _date, "datetime": _datetime, "integer": _integer,
    "money": _decimal, "volume": _decimal, "rate": _decimal, "boolean": _boolean, "choice": _choice,
    "vat": _vat, "fiscal_code": _compacted, "iban": _compacted, "supply_point": _supply_point, "email": _email,
}


def _is_fiscal_code(value: str) -> bool:
    return iva.is_valid(value) if value.isdigit() else codicefiscale.is_valid(value)


# Kinds whose check digits python-stdnum verifies, one call per distinct value.
CHECK_DIGITS = {"vat": (iva.is_valid, "bad_vat"), "fiscal_code": (_is_fiscal_code, "bad_fiscal_code"),
                "iban": (iban_number.is_valid, "bad_iban")}


def _check_digit_checks(layout: Layout, frame: pl.DataFrame) -> list[Check]:
    checks = []
    for field in layout.fields:
        if field.kind not in CHECK_DIGITS:
            continue
        is_valid, code = CHECK_DIGITS[field.kind]
        bad = [value for value in frame.get_column(typed(field.name)).drop_nulls().unique().to_list()
               if not is_valid(value)]
        if bad:
            checks.append(Check(field.name, pl.col(typed(field.name)).is_in(bad), code))
    return checks


def _rule_checks(layout: Layout) -> list[Check]:
    checks = []
    for earlier, later in layout.ordered:
        first, second = pl.col(typed(earlier)), pl.col(typed(later))
        checks.append(Check(later, first.is_not_null() & second.is_not_null() & (second < first), "out_of_order",
                            {"other": earlier}))
    for group in layout.together:
        given = [pl.col(name).is_not_null() for name in group]
        for name in group:
            others = ", ".join(other for other in group if other != name)
            checks.append(Check(name, pl.col(name).is_null() & pl.any_horizontal(given), "required_with",
                                {"others": others}))
    for name, other, values in layout.required_when:
        shown = ", ".join(_shown(value) for value in values)
        checks.append(Check(name, pl.col(name).is_null() & pl.col(typed(other)).is_in(list(values)), "required_when",
                            {"other": other, "value": shown}))
    return checks


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _record(log: ProblemLog, masked: pl.DataFrame, checks: list[Check]) -> None:
    for index, check in enumerate(checks):
        rows = masked.filter(pl.col(f"__check{index}"))
        log.add_rows(rows.select(ROW, pl.col(check.column).alias("value")), check.column, check.code, check.params,
                     check.severity)


def _duplicates(layout: Layout, frame: pl.DataFrame, log: ProblemLog) -> None:
    if not layout.key:
        return
    key = [typed(name) for name in layout.key]
    required = [typed(name) for name in layout.key if layout.field(name).required]
    keyed = frame.filter(pl.all_horizontal(pl.col(name).is_not_null() for name in required)) if required else frame
    first = keyed.select(pl.col(ROW), pl.col(ROW).min().over(key).alias("first"),
                         pl.concat_str([pl.col(name).cast(pl.String) for name in layout.key], separator=" / ",
                                       ignore_nulls=True).alias("value"))
    repeated = first.filter(pl.col(ROW) != pl.col("first"))
    log.add_rows(repeated, layout.key[0], "duplicate",
                 pl.concat_str([pl.lit('{"row": '), pl.col("first").cast(pl.String), pl.lit("}")]))


_RULES = ("required", "required_with", "required_when", "out_of_order")


def check_fields(layout: Layout, frame: pl.DataFrame) -> tuple[pl.DataFrame, ProblemLog]:
    """Read every field of ``frame`` (text columns named like the fields) and return (typed frame, problems)."""
    log = ProblemLog()
    working = frame.select(pl.col(ROW), *[
        pl.col(f.name).str.strip_chars().replace("", None).alias(f.name) for f in layout.fields])
    readings = {field.name: READERS[field.kind](field, pl.col(field.name)) for field in layout.fields}
    for step in range(max(len(reading.steps) for reading in readings.values())):
        working = working.with_columns([expr.alias(name) for reading in readings.values()
                                        if step < len(reading.steps) for name, expr in reading.steps[step].items()])
    checks = [Check(f.name, pl.col(f.name).is_null(), "required") for f in layout.fields if f.required]
    checks += [check for reading in readings.values() for check in reading.checks]
    checks += _check_digit_checks(layout, working)
    checks += _rule_checks(layout)
    masked = working.with_columns([check.bad.fill_null(False).alias(f"__check{index}")
                                   for index, check in enumerate(checks)])
    _record(log, masked, checks)
    # A value that fails a check of its own field is dropped, so later checks never report it again.
    cleaned = []
    for field in layout.fields:
        own = [pl.col(f"__check{i}") for i, c in enumerate(checks) if c.column == field.name and c.code not in _RULES]
        column = pl.col(typed(field.name))
        cleaned.append((pl.when(pl.any_horizontal(own)).then(None).otherwise(column) if own else column)
                       .alias(field.name))
    result = masked.select(pl.col(ROW), *cleaned)
    _duplicates(layout, working, log)
    return result, log
