"""Company settings: each setting's current value and dated history, a new value from a date; the principal's
registry data (its own tab: all of it changed from one date); the accounting mappings of the export (list, add,
edit, delete) and its SAP company code. Every change is audited by the services."""

from datetime import date

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.htmx import render
from app.models import AccountingMapping
from app.models import Role
from app.models import User
from app.security import requires
from app.services import accounting
from app.services import principal as principal_data
from app.services import settings
from app.services.accounting_export import company_code
from app.settings import bp
from app.settings import principal as principal_fields
from app.settings.forms import MAPPING_KIND_LABELS
from app.settings.forms import SETTING_LABELS
from app.settings.forms import MappingFilterForm
from app.settings.forms import MappingForm
from app.settings.forms import principal_form
from app.settings.forms import setting_form

MANAGERS = (Role.ADMIN, Role.FINANCE)


def _setting(key: str, form=None) -> dict:
    """Return the context of one setting's component: labels, value today, history, form."""
    if key not in settings.DEFAULTS:
        abort(404)
    history = settings.history(db.session, key)
    user_ids = {row.changed_by for row in history if row.changed_by}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    current = settings.value_on(db.session, key, date.today())
    return {"key": key, "label": SETTING_LABELS[key][0], "help": SETTING_LABELS[key][1], "current": current,
            "default": settings.DEFAULTS[key], "history": history, "users": users,
            "form": form or setting_form(key, current)}


def _is_principal(key: str) -> bool:
    return key.startswith(principal_data.PREFIX)


@bp.route("/")
@requires(*MANAGERS)
def index():
    return render("settings/index.html", items=[_setting(key) for key in settings.DEFAULTS if not _is_principal(key)])


def _principal_context(form=None) -> dict:
    """Return the context of the principal's component: data in force today, what is missing, form, histories."""
    today = date.today()
    current = principal_data.values_on(db.session, today)
    missing = principal_data.missing_on(db.session, today)
    return {"current": current, "missing": missing,
            "missing_labels": ", ".join(str(principal_fields.LABELS[field][0]) for field in missing),
            "labels": principal_fields.LABELS, "form": form or principal_form(current),
            "split_payment": settings.value_on(db.session, "principal_split_payment", today),
            "items": [_setting(key) for key in settings.DEFAULTS if _is_principal(key)]}


@bp.route("/principal", methods=["GET", "POST"])
@requires(*MANAGERS)
def principal():
    form = principal_form(principal_data.values_on(db.session, date.today()))
    if form.validate_on_submit():
        changed = principal_data.set_principal(db.session, current_user, form.valid_from.data, form.registry_values())
        db.session.commit()
        if changed:
            flash(_("The principal's data changed from %(day)s (%(count)s fields).", day=form.valid_from.data.isoformat(),
                    count=len(changed)), "success")
        else:
            flash(_("The principal's data was already so on %(day)s: nothing changed.",
                    day=form.valid_from.data.isoformat()), "info")
        return redirect(url_for("settings.principal"), code=303)
    return render("settings/principal.html", "settings/_principal.html", **_principal_context(form),
                  status=422 if form.errors else 200)


@bp.route("/<key>", methods=["GET", "POST"])
@requires(*MANAGERS)
def setting(key: str):
    item = _setting(key)
    form = item["form"]
    if form.validate_on_submit():
        settings.set_value(db.session, current_user, key, form.valid_from.data, form.setting_value())
        db.session.commit()
        flash(_("%(setting)s changed from %(day)s.", setting=item["label"], day=form.valid_from.data.isoformat()),
              "success")
        return redirect(url_for("settings.setting", key=key), code=303)
    return render("settings/setting.html", "settings/_setting.html", item=item,
                  status=422 if form.errors else 200)


def _mappings_context(form=None) -> dict:
    filters = MappingFilterForm(request.args)
    filters.validate()
    query = accounting.search(filters.kind.data, filters.q.data)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    code = _setting(company_code.KEY)  # the export's company code: its value today, history and form
    return {"filters": filters, "page": page, "form": form or MappingForm(), "kinds": MAPPING_KIND_LABELS,
            "gaps": accounting.gaps(db.session), "company_code": code,
            "company_code_missing": company_code.problem(code["current"], date.today()) is not None}


@bp.route("/accounting", methods=["GET", "POST"])
@requires(*MANAGERS)
def mappings():
    form = MappingForm()
    if form.validate_on_submit():
        mapping = accounting.add(db.session, current_user, form.data)
        db.session.commit()
        flash(_("Mapping %(key)s added.", key=mapping.key), "success")
        return redirect(url_for("settings.mappings"), code=303)
    return render("settings/mappings.html", "settings/_mappings.html", **_mappings_context(form),
                  status=422 if form.errors else 200)


def _mapping(kind: str, key: str) -> AccountingMapping | None:
    if kind not in accounting.KINDS:
        abort(404)
    return db.session.scalar(select(AccountingMapping).where(AccountingMapping.kind == kind,
                                                             AccountingMapping.key == key))


@bp.route("/accounting/<kind>/<key>", methods=["GET", "POST"])
@requires(*MANAGERS)
def mapping(kind: str, key: str):
    """Edit the mapping of (kind, key), or add it when the key is not mapped yet."""
    existing = _mapping(kind, key)
    form = MappingForm(obj=existing, data=None if existing else {"kind": kind, "key": key}, mapping=existing)
    if form.validate_on_submit():
        if existing is None:
            accounting.add(db.session, current_user, form.data)
        else:
            accounting.update(db.session, current_user, existing, form.data)
        db.session.commit()
        flash(_("Mapping %(key)s saved.", key=form.key.data), "success")
        return redirect(url_for("settings.mappings", kind=form.kind.data), code=303)
    return render("settings/mapping.html", form=form, mapping=existing, kind=kind, key=key, kinds=MAPPING_KIND_LABELS,
                  status=422 if form.errors else 200)


@bp.route("/accounting/<kind>/<key>/delete", methods=["POST"])
@requires(*MANAGERS)
def mapping_delete(kind: str, key: str):
    existing = _mapping(kind, key)  # the CSRF token is checked for every POST by CSRFProtect
    if existing is None:
        flash(_("%(key)s is not mapped: nothing to delete.", key=key), "warning")
    else:
        accounting.delete(db.session, current_user, existing)
        db.session.commit()
        flash(_("Mapping %(key)s deleted.", key=key), "success")
    return redirect(url_for("settings.mappings", kind=kind), code=303)
