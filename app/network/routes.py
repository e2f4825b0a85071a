"""Partner network browser: list and search, the hierarchy as of a date, partner and contract pages."""

from datetime import date

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.htmx import render
from app.htmx import see_other
from app.models import Contract
from app.models import ContractStatus
from app.models import Partner
from app.models import Role
from app.network import bp
from app.network.forms import ContractSearchForm
from app.network.forms import FiscalProfileForm
from app.network.forms import MovePartnerForm
from app.network.forms import PartnerDetailsForm
from app.network.forms import SearchForm
from app.security import EVERYONE
from app.security import ensure_partner_visible
from app.security import requires
from app.security import visible_partner_ids
from app.services import contracts
from app.services import fiscal
from app.services import network
from app.services import partners

EDITORS = (Role.ADMIN, Role.BACKOFFICE, Role.BACKOFFICE_LEAD)


def _as_of() -> date:
    try:
        return date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        return date.today()


def _page(query):
    return db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False, max_per_page=200)

def _visible_partner(partner_id: int, scope: set[int] | None) -> Partner:
    """Return the partner, or abort with 404, or 403 outside the current user's ``scope`` (None: every partner)."""
    partner = db.session.get(Partner, partner_id) or abort(404)
    if scope is not None and partner.id not in scope:
        abort(403)
    return partner


def _visible_ids(partners_shown, scope: set[int] | None) -> set[int]:
    """Return the ids among ``partners_shown`` whose page the current user (of ``scope``) may open today: a partner
    user's scope ends at its own partner (the agencies above it are names, not links) and holds only today's
    downline."""
    return {p.id for p in partners_shown if scope is None or p.id in scope}


@bp.route("/partners")
@requires(*EVERYONE)
def partner_list():
    form = SearchForm(request.args)
    form.validate()
    query = partners.search(visible_partner_ids(current_user), form.q.data, form.kind.data)
    return render("network/partners.html", "network/_partner_table.html", form=form, page=_page(query))


@bp.route("/network")
@requires(*EVERYONE)
def tree():
    as_of, scope = _as_of(), visible_partner_ids(current_user)
    if scope is None:
        roots = network.children(db.session, None, as_of)
    else:
        roots = [_visible_partner(current_user.partner_id, scope)]
    counts = network.child_counts(db.session, [p.id for p in roots], as_of)
    return render("network/tree.html", "network/_tree_nodes.html", nodes=roots, counts=counts, as_of=as_of,
                  linkable=_visible_ids(roots, scope))


@bp.route("/partners/<int:partner_id>/children")
@requires(*EVERYONE)
def children(partner_id: int):
    as_of, scope = _as_of(), visible_partner_ids(current_user)
    _visible_partner(partner_id, scope)
    nodes = network.children(db.session, partner_id, as_of)
    counts = network.child_counts(db.session, [p.id for p in nodes], as_of)
    return render("network/_tree_nodes.html", nodes=nodes, counts=counts, as_of=as_of, linkable=_visible_ids(nodes, scope))


@bp.route("/partners/<int:partner_id>")
@requires(*EVERYONE)
def partner_detail(partner_id: int):
    scope = visible_partner_ids(current_user)
    partner, as_of = _visible_partner(partner_id, scope), _as_of()
    upline, downline = network.upline(db.session, partner.id, as_of), network.children(db.session, partner.id, as_of)
    return render(
        "network/partner.html",
        partner=partner, as_of=as_of,
        upline=upline, downline=downline, linkable=_visible_ids([*upline, *downline], scope),
        profile=partners.fiscal_profile_on(db.session, partner.id, as_of),
        contracts=_page(contracts.search(None, partner_id=partner.id)),
        can_edit=current_user.has_role(*EDITORS),
        move_form=MovePartnerForm(),
    )


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@requires(*EDITORS)
def partner_edit(partner_id: int):
    partner = _visible_partner(partner_id, visible_partner_ids(current_user))
    form = PartnerDetailsForm(obj=partner)
    if form.validate_on_submit():
        if partners.update_details(db.session, current_user, partner, form.data):
            db.session.commit()
            flash(_("Partner details saved."), "success")
        return see_other(url_for("network.partner_detail", partner_id=partner.id))
    status = 422 if form.errors else 200
    return render("network/partner_edit.html", "network/_partner_form.html", form=form, partner=partner,
                  status=status)


@bp.route("/partners/<int:partner_id>/move", methods=["POST"])
@requires(Role.ADMIN, Role.BACKOFFICE)
def partner_move(partner_id: int):
    partner = _visible_partner(partner_id, visible_partner_ids(current_user))
    form = MovePartnerForm()
    if form.validate_on_submit():
        parent = partners.by_code(db.session, form.new_parent_code.data) if form.new_parent_code.data else None
        if form.new_parent_code.data and parent is None:
            flash(_("No partner with code %(code)s.", code=form.new_parent_code.data), "error")
        else:
            try:
                network.move_partner(db.session, current_user, partner.id, parent and parent.id,
                                     form.valid_from.data)
                db.session.commit()
                flash(_("Parent changed from %(day)s.", day=form.valid_from.data.isoformat()), "success")
            except network.NetworkError as exc:
                db.session.rollback()
                flash(str(exc), "error")
    else:
        flash(_("Check the date of the change."), "error")
    return redirect(url_for("network.partner_detail", partner_id=partner.id), code=303)


@bp.route("/contracts")
@requires(*EVERYONE)
def contract_list():
    form = ContractSearchForm(request.args)
    form.status.choices = [("", "—")] + [(s.value, s.value) for s in ContractStatus]
    form.validate()
    query = contracts.search(visible_partner_ids(current_user), form.q.data, form.status.data)
    return render("network/contracts.html", "network/_contract_table.html", form=form, page=_page(query))


@bp.route("/contracts/<int:contract_id>")
@requires(*EVERYONE)
def contract_detail(contract_id: int):
    contract = db.session.get(Contract, contract_id) or abort(404)
    ensure_partner_visible(current_user, contract.partner_id)
    return render(
        "network/contract.html",
        contract=contract,
        versions=contracts.versions(db.session, contract.external_id),
        billing=_page(contracts.billing_lines(contract.external_id)),
    )


@bp.route("/partners/<int:partner_id>/fiscal-profiles", methods=["GET", "POST"])
@requires(*EDITORS)
def fiscal_profiles(partner_id: int):
    partner = _visible_partner(partner_id, visible_partner_ids(current_user))
    form = FiscalProfileForm()
    if form.validate_on_submit():
        try:
            fiscal.change_profile(db.session, current_user, partner, form.valid_from.data, form.data)
            db.session.commit()
            flash(_("Fiscal profile saved from %(day)s.", day=form.valid_from.data.isoformat()), "success")
            return see_other(url_for("network.fiscal_profiles", partner_id=partner.id))
        except fiscal.FiscalProfileError as exc:
            db.session.rollback()
            form.fiscal_category.errors.append(str(exc))
    status = 422 if form.errors else 200
    return render("network/fiscal_profiles.html", "network/_fiscal_profile_form.html", form=form,
                  partner=partner, history=partner.fiscal_profiles, status=status)
