"""The plan verbs the pages use, on their own: the line diff, the next version's starting text, readable numbers."""

from datetime import date
from types import SimpleNamespace

from app.plans.labels import number
from app.plans.starters import starter
from app.services import plans


def test_diff_pairs_changed_lines_side_by_side():
    rows = plans.diff("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(r.tag, r.left_number, r.left, r.right_number, r.right) for r in rows] == [
        ("equal", 1, "a", 1, "a"),
        ("replace", 2, "b", 2, "B"),
        ("equal", 3, "c", 3, "c"),
        ("insert", None, None, 4, "d"),
    ]


def test_next_draft_keeps_the_text_and_comments_and_renumbers_it():
    version = SimpleNamespace(source_yaml=starter("recurring", "2026-01-01"), valid_from=date(2026, 1, 1))
    text = plans.next_draft_text(version, 2, today=date(2026, 5, 14))
    assert "version: 2\n" in text and "valid_from: 2026-06-01          # first day" in text
    assert "# pay each line once its bill is paid" in text
    document = plans.parse_yaml(text)
    assert (document.version, document.valid_from) == (2, date(2026, 6, 1))


def test_next_draft_of_unusual_text_starts_from_the_canonical_yaml():
    flow = "{plan_id: x, version: 1, name: X, valid_from: 2026-01-01, components: [{kind: one_off, id: a, " \
           "rate_table: [{amount: '1.00'}]}]}"
    version = SimpleNamespace(source_yaml=flow, valid_from=date(2026, 1, 1),
                              document=plans.plan_to_dict(plans.parse_yaml(flow)))
    document = plans.parse_yaml(plans.next_draft_text(version, 2, today=date(2026, 1, 10)))
    assert (document.version, document.valid_from, document.components[0].id) == (2, date(2026, 2, 1), "a")


def test_numbers_keep_their_places_in_italian(app):
    with app.test_request_context():
        assert number("0.004") == "0,004" and number("231.500") == "231,500" and number("1250.00") == "1.250,00"
        assert number("1") == "1" and number("failed") == "failed" and number(None) == ""
