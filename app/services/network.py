"""The partner network as of a date: parents, children, downline and upline, and moving a partner.

The hierarchy is effective-dated: a ``PartnerLink`` says who a partner's parent is from ``valid_from``
(inclusive) to ``valid_to`` (exclusive). Every question here takes the date it is asked for.
"""

from datetime import date

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Partner
from app.models import PartnerLink
from app.services import audit
from app.services.imports.writers import lock as wait_for_other_writers


class NetworkError(ValueError):
    """A change that would break the hierarchy (a cycle, a partner under itself, dates out of order)."""


def link_valid_on(as_of: date):
    """Return the SQL condition for links in force on ``as_of``."""
    return and_(
        PartnerLink.valid_from <= as_of,
        or_(PartnerLink.valid_to.is_(None), PartnerLink.valid_to > as_of),
    )


def parent_of(session: Session, partner_id: int, as_of: date) -> int | None:
    """Return the id of the partner's parent on ``as_of``, or None for a top-level partner."""
    return session.scalar(
        select(PartnerLink.parent_id).where(PartnerLink.partner_id == partner_id, link_valid_on(as_of))
    )


def children(session: Session, partner_id: int | None, as_of: date) -> list[Partner]:
    """Return the direct children of ``partner_id`` on ``as_of`` (top-level partners when None), by name."""
    if partner_id is None:
        has_parent = select(PartnerLink.partner_id).where(link_valid_on(as_of))
        query = select(Partner).where(Partner.id.not_in(has_parent))
    else:
        query = (
            select(Partner)
            .join(PartnerLink, PartnerLink.partner_id == Partner.id)
            .where(PartnerLink.parent_id == partner_id, link_valid_on(as_of))
        )
    return list(session.scalars(query.order_by(Partner.name)))


def child_counts(session: Session, parent_ids: list[int], as_of: date) -> dict[int, int]:
    """Return how many direct children each of ``parent_ids`` has on ``as_of``."""
    from sqlalchemy import func

    rows = session.execute(
        select(PartnerLink.parent_id, func.count())
        .where(PartnerLink.parent_id.in_(parent_ids), link_valid_on(as_of))
        .group_by(PartnerLink.parent_id)
    )
    return dict(rows.all())


def downline_ids(session: Session, partner_id: int, as_of: date, include_self: bool = False) -> set[int]:
    """Return every partner below ``partner_id`` on ``as_of``, at any depth."""
    tree = (
        select(PartnerLink.partner_id)
        .where(PartnerLink.parent_id == partner_id, link_valid_on(as_of))
        .cte("downline", recursive=True)
    )
    below = select(PartnerLink.partner_id).join(tree, PartnerLink.parent_id == tree.c.partner_id)
    tree = tree.union(below.where(link_valid_on(as_of)))
    ids = set(session.scalars(select(tree.c.partner_id)))
    if include_self:
        ids.add(partner_id)
    return ids


def upline(session: Session, partner_id: int, as_of: date) -> list[Partner]:
    """Return the chain of parents of ``partner_id`` on ``as_of``, nearest first."""
    chain: list[Partner] = []
    seen = {partner_id}
    current = parent_of(session, partner_id, as_of)
    while current is not None and current not in seen:
        seen.add(current)
        chain.append(session.get(Partner, current))
        current = parent_of(session, current, as_of)
    return chain


def depth_of(session: Session, partner_id: int, as_of: date) -> int:
    """Return the level of ``partner_id`` on ``as_of``: 1 for a top-level partner."""
    return len(upline(session, partner_id, as_of)) + 1


def move_partner(session: Session, user, partner_id: int, new_parent_id: int | None, valid_from: date) -> None:
    """Give ``partner_id`` a new parent from ``valid_from`` on, keeping the old link's history."""
    if new_parent_id == partner_id:
        raise NetworkError("a partner cannot be its own parent")
    # Before reading the hierarchy: an import may be writing links, and the accruals update below takes this lock.
    wait_for_other_writers(session.connection())
    if new_parent_id is not None and new_parent_id in downline_ids(session, partner_id, valid_from):
        raise NetworkError("the new parent is below this partner on that date: the move would make a cycle")
    later = session.scalar(
        select(PartnerLink).where(PartnerLink.partner_id == partner_id, PartnerLink.valid_from > valid_from)
    )
    if later is not None:
        raise NetworkError(f"a later change of parent exists from {later.valid_from}: change that one instead")
    before = parent_of(session, partner_id, valid_from)
    current = session.scalar(select(PartnerLink).where(PartnerLink.partner_id == partner_id, link_valid_on(valid_from)))
    if current is not None:
        if current.valid_from == valid_from:
            session.delete(current)
        else:
            current.valid_to = valid_from
    if new_parent_id is not None:
        session.add(PartnerLink(partner_id=partner_id, parent_id=new_parent_id, valid_from=valid_from))
    session.flush()
    audit.record(
        session, user, "partner.moved", "partner", partner_id,
        before={"parent_id": before}, after={"parent_id": new_parent_id, "valid_from": valid_from.isoformat()},
    )
    from app.services import accrual  # the upline earning overrides changed: keep open accruals current

    accrual.on_partner_moved(session, partner_id)
