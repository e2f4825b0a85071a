"""The hierarchy as of a date, and moving a partner."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.services import network


def ids(net, *codes):
    return {net.partners[c] for c in codes}


def test_parent_changes_on_its_date(app, network_ids):
    net = network_ids
    a2 = net.partners["A2"]
    assert network.parent_of(db.session, a2, date(2026, 5, 31)) == net.partners["AGA"]
    assert network.parent_of(db.session, a2, date(2026, 6, 1)) == net.partners["AGB"]


def test_sub_agent_has_no_parent_before_its_link(app, network_ids):
    assert network.parent_of(db.session, network_ids.partners["A1A"], date(2025, 12, 31)) is None


@pytest.mark.parametrize(("as_of", "expected"), [
    (date(2025, 6, 1), {"A1", "A2"}),
    (date(2026, 3, 1), {"A1", "A1A", "A2"}),
    (date(2026, 7, 1), {"A1", "A1A"}),
])
def test_downline_as_of(app, network_ids, as_of, expected):
    got = network.downline_ids(db.session, network_ids.partners["AGA"], as_of)
    assert got == ids(network_ids, *expected)


def test_upline_nearest_first(app, network_ids):
    chain = network.upline(db.session, network_ids.partners["A1A"], date(2026, 3, 1))
    assert [p.code for p in chain] == ["A1", "AGA"]
    assert network.depth_of(db.session, network_ids.partners["A1A"], date(2026, 3, 1)) == 3


def test_top_level_children(app, network_ids):
    roots = {p.code for p in network.children(db.session, None, date(2026, 3, 1))}
    assert roots == {"AGA", "AGB", "I1"}


def test_move_keeps_history_and_is_audited(app, network_ids):
    net = network_ids
    network.move_partner(db.session, None, net.partners["B1"], net.partners["AGA"], date(2026, 9, 1))
    db.session.commit()
    assert network.parent_of(db.session, net.partners["B1"], date(2026, 8, 31)) == net.partners["AGB"]
    assert network.parent_of(db.session, net.partners["B1"], date(2026, 9, 1)) == net.partners["AGA"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.moved"))
    assert entry.entity_id == str(net.partners["B1"])
    assert entry.before == {"parent_id": net.partners["AGB"]}
    assert entry.after == {"parent_id": net.partners["AGA"], "valid_from": "2026-09-01"}


def test_move_under_own_downline_is_refused(app, network_ids):
    net = network_ids
    with pytest.raises(network.NetworkError, match="cycle"):
        network.move_partner(db.session, None, net.partners["AGA"], net.partners["A1A"], date(2026, 3, 1))


def test_move_before_a_later_change_is_refused(app, network_ids):
    net = network_ids
    with pytest.raises(network.NetworkError, match="later change"):
        network.move_partner(db.session, None, net.partners["A2"], net.partners["AGB"], date(2026, 1, 1))
