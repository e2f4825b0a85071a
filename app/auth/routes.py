"""Login, logout and the language switch."""

from urllib.parse import urlsplit

from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user

from app.auth import bp
from app.auth.forms import LanguageForm
from app.auth.forms import LoginForm
from app.extensions import db
from app.htmx import render
from app.security import EVERYONE
from app.security import public
from app.security import requires
from app.services import accounts


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")), code=303)
        db.session.commit()
        flash(_("Wrong username or password."), "error")
        return render("auth/login.html", form=form, status=401)
    return render("auth/login.html", form=form, status=422 if form.is_submitted() else 200)


@bp.route("/logout", methods=["POST"])
@requires(*EVERYONE)
def logout():
    accounts.record_logout(db.session, current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/language/<code>", methods=["POST"])
@public
def language(code: str):
    form = LanguageForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            accounts.set_locale(db.session, current_user, code)
            db.session.commit()
    return redirect(_safe_next(request.referrer and urlsplit(request.referrer).path), code=303)
