"""Timers: ``flask workflows tick`` fires what is due, reading only the instances whose timer is due.

Every save stores the instance's earliest waiting timer in the indexed ``next_timer_at`` column (computed from
the engine's waiting events, in UTC), so a tick selects due rows by index and loads nothing else. Each instance
is fired and committed on its own: one failing instance goes into error and the others still fire. Instances in
error are left alone until an admin retries them.
"""

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InstanceStatus
from app.models import ProcessInstance
from workflows import api
from workflows import clock

logger = logging.getLogger(__name__)


def due(session: Session, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Return the ids of the instances with a timer due at ``now``, earliest first."""
    now = clock.as_utc(now or clock.now())
    query = (select(ProcessInstance.id)
             .where(ProcessInstance.next_timer_at <= now,
                    ProcessInstance.status.in_((InstanceStatus.RUNNING, InstanceStatus.WAITING)))
             .order_by(ProcessInstance.next_timer_at)
             .limit(limit))
    return list(session.scalars(query))


def fire_due(session: Session, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Fire the due timers of up to ``limit`` instances, committing each; return the ids fired."""
    fired = []
    for instance_id in due(session, now, limit):
        try:
            api.fire_timers(session, instance_id)
            session.commit()
        except Exception:
            session.rollback()
            logger.exception("timers of process instance %s could not fire", instance_id)
            continue
        fired.append(instance_id)
    return fired
