"""My notifications: the list (all or unread), opening one (marks it read and follows its link), marking all
read, and the unread badge of the navigation (an HTMX fragment polled every 45 s)."""

from flask import current_app
from flask import flash
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.inbox.tasks import safe_next
from app.notifications import bp
from app.security import EVERYONE
from app.security import requires
from app.services import notifications


@bp.route("/")
@requires(*EVERYONE)
def index():
    unread_only = request.args.get("unread") == "1"
    page = db.paginate(notifications.of_user(current_user, unread_only=unread_only),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("notifications/index.html", "notifications/_list.html", page=page, unread_only=unread_only,
                  unread=notifications.unread_count(db.session, current_user))


@bp.route("/count")
@requires(*EVERYONE)
def count():
    return render("notifications/_count.html", "notifications/_count.html",
                  unread=notifications.unread_count(db.session, current_user))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@requires(*EVERYONE)
def read(notification_id: int):
    row = notifications.mark_read(db.session, current_user, notification_id)
    if row is None:  # not one of mine: say so without telling whose it is
        flash(_("This notification does not exist."), "error")
        return see_other(url_for("notifications.index"))
    db.session.commit()
    return see_other(safe_next(row.link) or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@requires(*EVERYONE)
def read_all():
    notifications.mark_all_read(db.session, current_user)
    db.session.commit()
    return see_other(url_for("notifications.index"))
