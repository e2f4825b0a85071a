"""API tokens for administrators: the list, a new token (its secret shown once, never stored), revocation.

Creating a token answers the POST with the page that shows the secret instead of redirecting: the secret must
not travel through the session (a flash message) or a URL, and the page is sent with ``Cache-Control: no-store``.
"""

from flask import abort
from flask import flash
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api_tokens import bp
from app.api_tokens.forms import TokenForm
from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.models import ApiToken
from app.models import Role
from app.security import requires
from app.services import api_tokens


@bp.route("/", methods=["GET", "POST"])
@requires(Role.ADMIN)
def index():
    form = TokenForm()
    if form.validate_on_submit():
        issued = api_tokens.create(db.session, current_user, form.name.data, form.scopes.data, form.partner)
        db.session.commit()
        response = render("api_tokens/created.html", token=issued.token, secret=issued.secret,
                          scopes=api_tokens.SCOPES)
        response.headers["Cache-Control"] = "no-store"
        return response
    return render("api_tokens/index.html", "api_tokens/_tokens.html", form=form, scopes=api_tokens.SCOPES,
                  tokens=api_tokens.listing(db.session), status=422 if form.errors else 200)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires(Role.ADMIN)
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if api_tokens.revoke(db.session, current_user, token):
        db.session.commit()
        flash(_("Token %(name)s revoked: calls with it are refused from now on.", name=token.name), "success")
    else:
        flash(_("Token %(name)s was already revoked.", name=token.name), "warning")
    return see_other(url_for("api_tokens.index"))
