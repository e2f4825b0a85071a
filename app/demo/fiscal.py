"""Dated fiscal profiles of the demo partners, following ../shared/domain/italian-tax.md.

Agencies are ``agent`` companies; agents and sub-agents are mostly individuals in the ordinary VAT regime,
some flat-rate (forfettario), mono- or multi-firm for ENASARCO, some with the reduced withholding base;
call centres are companies; installers are ``installer`` businesses; technicians are self-employed
``professional`` individuals outside ENASARCO. A few profiles change during the year: the previous profile
closes on the day the new one starts. A profile stays open after the partner's mandate ends.
"""

import random
from dataclasses import dataclass
from dataclasses import replace
from datetime import date

from app.demo.network import AGENCY
from app.demo.network import AGENT
from app.demo.network import CALL_CENTRE
from app.demo.network import INSTALLER
from app.demo.network import SUB_AGENT
from app.demo.network import DemoPartner
from app.demo.network import Network
from app.demo.periods import Window

PROFILE_COLUMNS = ("id", "partner_id", "valid_from", "valid_to", "fiscal_category", "legal_form", "vat_regime",
                   "enasarco", "reduced_withholding_base", "enasarco_rate_override")


@dataclass(frozen=True, slots=True)
class Profile:
    """A ``fiscal_profile`` row without its id."""

    partner_id: int
    valid_from: date
    valid_to: date | None
    fiscal_category: str
    legal_form: str
    vat_regime: str
    enasarco: str
    reduced_withholding_base: bool


def _mandate(rng: random.Random, mono_share: float) -> str:
    return "mono_firm" if rng.random() < mono_share else "multi_firm"


def _first_profile(rng: random.Random, partner: DemoPartner) -> Profile:
    """Return the profile a partner starts with."""
    kind, form = partner.kind, partner.legal_form
    # open-ended even when the mandate ends: the portfolio a partner leaves keeps billing, and what it still
    # earns is invoiced with its tax profile (the cycle's data-quality check blocks a period otherwise)
    start, end = partner.active_from, None
    if kind == AGENCY:
        return Profile(partner.id, start, end, "agent", "company", "ordinary", _mandate(rng, 0.3), rng.random() < 0.6)
    if kind in (AGENT, SUB_AGENT):
        flat_share = 0.2 if partner.level == 2 else 0.4
        regime = "flat_rate" if form == "individual" and rng.random() < flat_share else "ordinary"
        reduced = regime == "ordinary" and rng.random() < 0.15
        return Profile(partner.id, start, end, "agent", form, regime,
                       _mandate(rng, 0.4 if partner.level == 2 else 0.6), reduced)
    if kind == CALL_CENTRE:
        return Profile(partner.id, start, end, "call_centre", "company", "ordinary", "multi_firm", True)
    if kind == INSTALLER:
        return Profile(partner.id, start, end, "installer", form, "ordinary", "none", False)
    return Profile(partner.id, start, end, "professional", "individual", "ordinary", "none", False)


def _changed(rng: random.Random, profile: Profile, window: Window) -> tuple[date, Profile] | None:
    """Return the date and the new profile of a mid-year change, or None when nothing fits."""
    new_year = date(window.today.year, 1, 1)
    if new_year <= profile.valid_from:
        return None
    if profile.vat_regime == "flat_rate":
        # Revenue went past the flat-rate ceiling: ordinary regime from 1 January.
        return new_year, replace(profile, vat_regime="ordinary")
    if not profile.reduced_withholding_base and rng.random() < 0.5:
        # Declared by 31 December that it uses employees: reduced withholding base from 1 January.
        return new_year, replace(profile, reduced_withholding_base=True)
    day = window.month_start_between(rng, max(window.start, profile.valid_from), window.today)
    if day is None:
        return None
    other = "multi_firm" if profile.enasarco == "mono_firm" else "mono_firm"
    return day, replace(profile, enasarco=other)


def fiscal_profiles(rng: random.Random, network: Network, window: Window) -> list[Profile]:
    """Return every partner's profiles, with a few changing during the year."""
    first = [_first_profile(rng, partner) for partner in network.partners]
    sellers = [p for p in network.of_kind(AGENT, SUB_AGENT) if p.active_to is None and p.active_from < window.start]
    changing = {p.id for p in rng.sample(sellers, min(len(sellers), max(1, round(len(sellers) * 0.04))))}
    profiles: list[Profile] = []
    for profile in first:
        change = _changed(rng, profile, window) if profile.partner_id in changing else None
        if change is None:
            profiles.append(profile)
            continue
        day, new = change
        profiles.append(replace(profile, valid_to=day))
        profiles.append(replace(new, valid_from=day))
    return profiles


def profile_rows(profiles: list[Profile], first_id: int = 1):
    """Yield the ``fiscal_profile`` rows with ids from ``first_id``."""
    for offset, p in enumerate(profiles):
        yield (first_id + offset, p.partner_id, p.valid_from, p.valid_to, p.fiscal_category, p.legal_form,
               p.vat_regime, p.enasarco, p.reduced_withholding_base, None)
