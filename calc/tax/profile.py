"""The fiscal profile of a partner: which tax and social-security items its invoices carry.

A profile is dated by the caller (a partner may change profile mid-year); the tax API only sees the one
profile that applies to a statement. Values and combinations are checked when the profile is built, so an
unsupported case fails there with the field and value named, never later with a silent default.
"""

from dataclasses import dataclass
from decimal import Decimal

from calc.tax.errors import TaxError

PARTNER_KINDS = ("agent", "finder", "call_centre", "installer", "professional")
LEGAL_FORMS = ("individual", "partnership", "company")
VAT_REGIMES = ("ordinary", "flat_rate")
ENASARCO_MANDATES = ("none", "mono_firm", "multi_firm")
ENASARCO_PAYMENT_REASONS = ("ZO", "R", "Q")

# Partner kinds working under an agency mandate, hence enrolled with ENASARCO.
ENASARCO_KINDS = ("agent", "call_centre")
# Partner kinds whose commissions bear the art. 25-bis withholding (23% on a share of the commissions).
COMMISSION_WITHHOLDING_KINDS = ("agent", "call_centre", "finder")


def _check_choice(field: str, value, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise TaxError(f"{field}: unknown value {value!r}; expected one of {', '.join(choices)}")


def _check_flag(field: str, value) -> None:
    if not isinstance(value, bool):
        raise TaxError(f"{field}: expected True or False, got {value!r}")


def _check_rate(field: str, value) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TaxError(f"{field}: a rate must be a finite Decimal, got {value!r}")
    if not Decimal(0) <= value < Decimal(1):
        raise TaxError(f"{field}: a rate must be between 0 and 1, got {value}")


@dataclass(frozen=True)
class EnasarcoOverride:
    """A partner's own ENASARCO rates for one year, e.g. the young-agent reduction."""

    year: int
    agent_rate: Decimal
    principal_rate: Decimal

    def __post_init__(self):
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TaxError(f"enasarco override year: expected an int, got {self.year!r}")
        _check_rate("enasarco override agent_rate", self.agent_rate)
        _check_rate("enasarco override principal_rate", self.principal_rate)


@dataclass(frozen=True)
class TaxProfile:
    """What decides the tax items of a partner's invoices."""

    partner_kind: str
    legal_form: str
    vat_regime: str
    enasarco: str
    reduced_withholding_base: bool
    principal_split_payment: bool
    stamp_rebilled: bool = True
    enasarco_payment_reason: str = "ZO"
    enasarco_overrides: tuple[EnasarcoOverride, ...] = ()

    def __post_init__(self):
        self._check_values()
        self._check_combination()
        self._check_overrides()

    def _check_values(self) -> None:
        _check_choice("partner_kind", self.partner_kind, PARTNER_KINDS)
        _check_choice("legal_form", self.legal_form, LEGAL_FORMS)
        _check_choice("vat_regime", self.vat_regime, VAT_REGIMES)
        _check_choice("enasarco", self.enasarco, ENASARCO_MANDATES)
        _check_flag("reduced_withholding_base", self.reduced_withholding_base)
        _check_flag("principal_split_payment", self.principal_split_payment)
        _check_flag("stamp_rebilled", self.stamp_rebilled)
        _check_choice("enasarco_payment_reason", self.enasarco_payment_reason, ENASARCO_PAYMENT_REASONS)

    def _check_combination(self) -> None:
        if self.is_flat_rate and self.legal_form != "individual":
            raise TaxError(
                f"vat_regime 'flat_rate' needs legal_form 'individual' (forfettario is for natural persons), "
                f"got legal_form {self.legal_form!r}"
            )
        if self.partner_kind in ENASARCO_KINDS and self.enasarco == "none":
            raise TaxError(
                f"partner_kind {self.partner_kind!r} works under an agency mandate: enasarco must be "
                f"'mono_firm' or 'multi_firm', got 'none'"
            )
        if self.partner_kind not in ENASARCO_KINDS and self.enasarco != "none":
            raise TaxError(
                f"enasarco {self.enasarco!r} applies only to partner_kind agent or call_centre, "
                f"not to {self.partner_kind!r}"
            )
        if self.partner_kind == "professional" and self.legal_form == "company":
            raise TaxError(
                "partner_kind 'professional' with legal_form 'company' is not supported: "
                "the art. 25 withholding is for self-employed persons; use 'installer' for a business"
            )
        if self.reduced_withholding_base and not self.withholds_on_commissions:
            raise TaxError(
                f"reduced_withholding_base applies only to the withholding on commissions of agents, "
                f"call centres and finders in the ordinary VAT regime, not to partner_kind "
                f"{self.partner_kind!r} with vat_regime {self.vat_regime!r}"
            )

    def _check_overrides(self) -> None:
        if not isinstance(self.enasarco_overrides, tuple):
            raise TaxError(f"enasarco_overrides: expected a tuple, got {self.enasarco_overrides!r}")
        if not self.enasarco_overrides:
            return
        if not self.has_enasarco or self.on_company_scale:
            raise TaxError(
                "enasarco_overrides apply only to individual or partnership agents, "
                f"not to partner_kind {self.partner_kind!r} with legal_form {self.legal_form!r}"
            )
        years = [override.year for override in self.enasarco_overrides]
        if len(set(years)) != len(years):
            raise TaxError(f"enasarco_overrides: more than one override for a year in {years}")

    @property
    def is_flat_rate(self) -> bool:
        """Tell whether the partner is in the flat-rate (forfettario) regime."""
        return self.vat_regime == "flat_rate"

    @property
    def has_enasarco(self) -> bool:
        """Tell whether ENASARCO contributions are due on the partner's commissions."""
        return self.enasarco != "none"

    @property
    def on_company_scale(self) -> bool:
        """Tell whether ENASARCO follows the company scale (no ceiling, no minimum)."""
        return self.has_enasarco and self.legal_form == "company"

    @property
    def withholds_on_commissions(self) -> bool:
        """Tell whether the art. 25-bis withholding on commissions applies."""
        return self.partner_kind in COMMISSION_WITHHOLDING_KINDS and not self.is_flat_rate

    @property
    def withholds_on_fee(self) -> bool:
        """Tell whether the art. 25 withholding on a professional's whole fee applies."""
        return self.partner_kind == "professional" and not self.is_flat_rate

    def enasarco_override(self, year: int) -> EnasarcoOverride | None:
        """Return the partner's own ENASARCO rates for ``year``, if any."""
        for override in self.enasarco_overrides:
            if override.year == year:
                return override
        return None
