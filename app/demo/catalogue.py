"""The demo catalogue: six lines of business, their offers (some only for a season) and options.

Offers are sold from ``valid_from`` (inclusive) to ``valid_to`` (exclusive): the 12-month fixed-price offers
are replaced mid-year by 24-month ones, and two seasonal promotions run for a few months.
"""

import itertools
import random
from dataclasses import dataclass
from datetime import date

from app.demo.periods import Window
from app.demo.periods import add_months

RESIDENTIAL = "residential"
BUSINESS = "business"
BOTH = (RESIDENTIAL, BUSINESS)
COMMODITIES = ("ELE", "GAS")


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    commodity: str
    unit: str | None
    share: float  # of the contracts sold


@dataclass(frozen=True)
class OfferSpec:
    code: str
    name: str
    product: str
    category: str
    segments: tuple[str, ...]
    weight: float
    starts: int | None = None  # months after the window's first month; None: on sale for years
    ends: int | None = None  # idem, exclusive; None: still on sale


@dataclass(frozen=True)
class OptionSpec:
    code: str
    name: str
    product: str | None  # the product it belongs to in the catalogue, None for any
    applies_to: tuple[str, ...]  # product codes it is sold with
    probability: float


PRODUCTS = (
    ProductSpec("ELE", "Luce", "electricity", "kWh", 0.55),
    ProductSpec("GAS", "Gas naturale", "gas", "Smc", 0.30),
    ProductSpec("EMOB", "Mobilità elettrica", "emobility", None, 0.035),
    ProductSpec("PV", "Fotovoltaico", "pv", None, 0.04),
    ProductSpec("HEAT", "Riscaldamento", "heating", None, 0.045),
    ProductSpec("COOL", "Climatizzazione", "cooling", None, 0.03),
)

OFFERS = (
    OfferSpec("ELE-FIX12", "Luce Fissa 12 mesi", "ELE", "fixed", (RESIDENTIAL,), 4, ends=6),
    OfferSpec("ELE-FIX24", "Luce Fissa 24 mesi", "ELE", "fixed", (RESIDENTIAL,), 4, starts=6),
    OfferSpec("ELE-PUN", "Luce Indicizzata PUN", "ELE", "variable", (RESIDENTIAL,), 3),
    OfferSpec("ELE-GREEN", "Luce Verde 100%", "ELE", "green", BOTH, 2),
    OfferSpec("ELE-SUMMER", "Luce Estate Sicura", "ELE", "fixed", (RESIDENTIAL,), 3, starts=5, ends=8),
    OfferSpec("ELE-BIZ-FIX", "Luce Business Fissa", "ELE", "business", (BUSINESS,), 3),
    OfferSpec("ELE-BIZ-PUN", "Luce Business Indicizzata", "ELE", "business", (BUSINESS,), 3),
    OfferSpec("GAS-FIX12", "Gas Fisso 12 mesi", "GAS", "fixed", (RESIDENTIAL,), 4, ends=6),
    OfferSpec("GAS-FIX24", "Gas Fisso 24 mesi", "GAS", "fixed", (RESIDENTIAL,), 4, starts=6),
    OfferSpec("GAS-PSV", "Gas Indicizzato PSV", "GAS", "variable", (RESIDENTIAL,), 3),
    OfferSpec("GAS-GREEN", "Gas Compensato CO2", "GAS", "green", (RESIDENTIAL,), 1.5),
    OfferSpec("GAS-WINTER", "Gas Inverno Protetto", "GAS", "fixed", (RESIDENTIAL,), 3, starts=9),
    OfferSpec("GAS-BIZ", "Gas Business", "GAS", "business", (BUSINESS,), 3),
    OfferSpec("EMOB-WB", "Wallbox Casa 7,4 kW", "EMOB", "installation", (RESIDENTIAL,), 3),
    OfferSpec("EMOB-WB-BIZ", "Wallbox Business 22 kW", "EMOB", "business", (BUSINESS,), 2),
    OfferSpec("PV-3KW", "Fotovoltaico Casa 3 kW", "PV", "installation", (RESIDENTIAL,), 3),
    OfferSpec("PV-6KW-BAT", "Fotovoltaico 6 kW con accumulo", "PV", "installation", (RESIDENTIAL,), 2),
    OfferSpec("PV-BIZ", "Fotovoltaico Business 20 kW", "PV", "business", (BUSINESS,), 2),
    OfferSpec("HEAT-HP", "Pompa di calore", "HEAT", "installation", BOTH, 2),
    OfferSpec("HEAT-BOILER", "Caldaia a condensazione", "HEAT", "installation", (RESIDENTIAL,), 3),
    OfferSpec("COOL-AC", "Climatizzatore 12000 BTU", "COOL", "installation", (RESIDENTIAL,), 3),
    OfferSpec("COOL-BIZ", "Clima Business", "COOL", "business", (BUSINESS,), 2),
)

OPTIONS = (
    OptionSpec("GREEN", "Energia verde certificata", "ELE", ("ELE",), 0.18),
    OptionSpec("FIXPRICE", "Prezzo bloccato 12 mesi", None, ("ELE", "GAS"), 0.10),
    OptionSpec("EBILL", "Bolletta digitale", None, COMMODITIES, 0.55),
    OptionSpec("SDD", "Addebito diretto SEPA", None, COMMODITIES, 0.65),
    OptionSpec("INSURANCE", "Assicurazione Casa Protetta", None, COMMODITIES + ("HEAT",), 0.07),
    OptionSpec("SMART", "Termostato smart", "GAS", ("GAS",), 0.05),
    OptionSpec("MAINT", "Manutenzione programmata", "HEAT", ("HEAT", "COOL"), 0.45),
    OptionSpec("CHARGE", "Ricarica pubblica flat", "EMOB", ("EMOB",), 0.30),
    OptionSpec("MONITOR", "Monitoraggio impianto FV", "PV", ("PV",), 0.50),
)

PRODUCT_COLUMNS = ("id", "code", "name", "commodity", "unit")
OFFER_COLUMNS = ("id", "code", "name", "product_id", "category", "valid_from", "valid_to")
OPTION_COLUMNS = ("id", "code", "name", "product_id")


class Catalogue:
    """The catalogue with dates fixed for a window, and the choice of offer and options for a sale."""

    def __init__(self, window: Window) -> None:
        self.launch = date(window.start.year - 3, 1, 1)
        self.product_ids = {spec.code: index + 1 for index, spec in enumerate(PRODUCTS)}
        self.offer_dates = {
            o.code: (self.launch if o.starts is None else add_months(window.start, o.starts),
                     None if o.ends is None else add_months(window.start, o.ends))
            for o in OFFERS
        }
        self.category = {o.code: o.category for o in OFFERS}
        self._offers = {
            (product, segment): [o for o in OFFERS if o.product == product and segment in o.segments]
            for product in self.product_ids for segment in BOTH
        }
        self._on_sale_in_month: dict[tuple[str, str, date], tuple[list[str], list[float]]] = {}
        self._options = {product: [o for o in OPTIONS if product in o.applies_to] for product in self.product_ids}

    def offer_for(self, rng: random.Random, product: str, segment: str, day: date) -> str:
        """Return the code of an offer of ``product`` for ``segment`` on sale on ``day``."""
        # Offers start and end on the first of a month: what is on sale is the same all month long.
        key = (product, segment, day.replace(day=1))
        if key not in self._on_sale_in_month:
            on_sale = [o for o in self._offers[product, segment] if self._on_sale(o.code, key[2])]
            self._on_sale_in_month[key] = ([o.code for o in on_sale],
                                           list(itertools.accumulate(o.weight for o in on_sale)))
        codes, cumulative = self._on_sale_in_month[key]
        return rng.choices(codes, cum_weights=cumulative)[0]

    def _on_sale(self, code: str, day: date) -> bool:
        start, end = self.offer_dates[code]
        return start <= day and (end is None or day < end)

    def options_for(self, rng: random.Random, product: str, offer: str) -> str:
        """Return the comma-separated option codes a customer adds to ``offer``."""
        category = self.category[offer]
        chosen = [
            o.code for o in self._options[product]
            if rng.random() < o.probability
            and not (o.code == "GREEN" and category == "green")
            and not (o.code == "FIXPRICE" and category != "variable")
        ]
        return ",".join(sorted(chosen))

    def product_rows(self):
        """Yield the ``product`` rows."""
        for spec in PRODUCTS:
            yield (self.product_ids[spec.code], spec.code, spec.name, spec.commodity, spec.unit)

    def offer_rows(self):
        """Yield the ``offer`` rows."""
        for index, spec in enumerate(OFFERS):
            start, end = self.offer_dates[spec.code]
            yield (index + 1, spec.code, spec.name, self.product_ids[spec.product], spec.category, start, end)

    def option_rows(self):
        """Yield the ``product_option`` rows."""
        for index, spec in enumerate(OPTIONS):
            yield (index + 1, spec.code, spec.name, self.product_ids.get(spec.product))
