"""Italian places for the demo: regions weighted by population, their main towns, and street names.

Each town carries its province code (sigla), the ISTAT province number (the VAT office code inside a partita
IVA), a postcode (CAP), the cadastral code (codice Belfiore, inside a codice fiscale) and a phone prefix.
"""

import itertools
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Town:
    """A town a partner or customer lives in."""

    name: str
    province: str
    istat: str
    postcode: str
    belfiore: str
    phone_prefix: str
    region: str


# Region -> population in hundreds of thousands (ISTAT, rounded): how likely a customer lives there.
REGIONS: dict[str, int] = {
    "Lombardia": 100,
    "Lazio": 57,
    "Campania": 56,
    "Veneto": 48,
    "Sicilia": 48,
    "Emilia-Romagna": 44,
    "Piemonte": 42,
    "Puglia": 39,
    "Toscana": 36,
    "Calabria": 18,
    "Sardegna": 16,
    "Liguria": 15,
    "Marche": 15,
    "Abruzzo": 13,
    "Friuli-Venezia Giulia": 12,
    "Trentino-Alto Adige": 11,
    "Umbria": 9,
    "Basilicata": 5,
    "Molise": 3,
    "Valle d'Aosta": 1,
}

_TOWNS = """
Torino|TO|001|10121|L219|011|Piemonte
Novara|NO|003|28100|F952|0321|Piemonte
Cuneo|CN|004|12100|D205|0171|Piemonte
Alessandria|AL|006|15121|A182|0131|Piemonte
Aosta|AO|007|11100|A326|0165|Valle d'Aosta
Genova|GE|010|16121|D969|010|Liguria
La Spezia|SP|011|19121|E463|0187|Liguria
Savona|SV|009|17100|I480|019|Liguria
Milano|MI|015|20121|F205|02|Lombardia
Bergamo|BG|016|24121|A794|035|Lombardia
Brescia|BS|017|25121|B157|030|Lombardia
Varese|VA|012|21100|L682|0332|Lombardia
Como|CO|013|22100|C933|031|Lombardia
Pavia|PV|018|27100|G388|0382|Lombardia
Cremona|CR|019|26100|D150|0372|Lombardia
Mantova|MN|020|46100|E897|0376|Lombardia
Trento|TN|022|38121|L378|0461|Trentino-Alto Adige
Bolzano|BZ|021|39100|A952|0471|Trentino-Alto Adige
Venezia|VE|027|30121|L736|041|Veneto
Verona|VR|023|37121|L781|045|Veneto
Padova|PD|028|35121|G224|049|Veneto
Vicenza|VI|024|36100|L840|0444|Veneto
Treviso|TV|026|31100|L407|0422|Veneto
Trieste|TS|032|34121|L424|040|Friuli-Venezia Giulia
Udine|UD|030|33100|L483|0432|Friuli-Venezia Giulia
Pordenone|PN|093|33170|G888|0434|Friuli-Venezia Giulia
Bologna|BO|037|40121|A944|051|Emilia-Romagna
Modena|MO|036|41121|F257|059|Emilia-Romagna
Parma|PR|034|43121|G337|0521|Emilia-Romagna
Reggio Emilia|RE|035|42121|H223|0522|Emilia-Romagna
Ferrara|FE|038|44121|D548|0532|Emilia-Romagna
Rimini|RN|099|47921|H294|0541|Emilia-Romagna
Firenze|FI|048|50121|D612|055|Toscana
Pisa|PI|050|56121|G702|050|Toscana
Livorno|LI|049|57121|E625|0586|Toscana
Prato|PO|100|59100|G999|0574|Toscana
Siena|SI|052|53100|I726|0577|Toscana
Arezzo|AR|051|52100|A390|0575|Toscana
Perugia|PG|054|06121|G478|075|Umbria
Terni|TR|055|05100|L117|0744|Umbria
Ancona|AN|042|60121|A271|071|Marche
Pesaro|PU|041|61121|G479|0721|Marche
Macerata|MC|043|62100|E783|0733|Marche
Roma|RM|058|00185|H501|06|Lazio
Latina|LT|059|04100|E472|0773|Lazio
Viterbo|VT|056|01100|M082|0761|Lazio
Frosinone|FR|060|03100|D810|0775|Lazio
Pescara|PE|068|65121|G482|085|Abruzzo
L'Aquila|AQ|066|67100|A345|0862|Abruzzo
Chieti|CH|069|66100|C632|0871|Abruzzo
Campobasso|CB|070|86100|B519|0874|Molise
Napoli|NA|063|80121|F839|081|Campania
Salerno|SA|065|84121|H703|089|Campania
Caserta|CE|061|81100|B963|0823|Campania
Avellino|AV|064|83100|A509|0825|Campania
Bari|BA|072|70121|A662|080|Puglia
Lecce|LE|075|73100|E506|0832|Puglia
Taranto|TA|073|74121|L049|099|Puglia
Foggia|FG|071|71121|D643|0881|Puglia
Brindisi|BR|074|72100|B180|0831|Puglia
Potenza|PZ|076|85100|G942|0971|Basilicata
Matera|MT|077|75100|F052|0835|Basilicata
Cosenza|CS|078|87100|D086|0984|Calabria
Catanzaro|CZ|079|88100|C352|0961|Calabria
Reggio Calabria|RC|080|89121|H224|0965|Calabria
Palermo|PA|082|90121|G273|091|Sicilia
Catania|CT|087|95121|C351|095|Sicilia
Messina|ME|083|98121|F158|090|Sicilia
Siracusa|SR|089|96100|I754|0931|Sicilia
Trapani|TP|081|91100|L331|0923|Sicilia
Cagliari|CA|092|09121|B354|070|Sardegna
Sassari|SS|090|07100|I452|079|Sardegna
"""

TOWNS: tuple[Town, ...] = tuple(Town(*line.split("|")) for line in _TOWNS.split("\n") if line)
TOWNS_BY_REGION: dict[str, tuple[Town, ...]] = {
    region: tuple(town for town in TOWNS if town.region == region) for region in REGIONS
}

STREETS = (
    "Via Roma", "Via Giuseppe Garibaldi", "Via Giuseppe Mazzini", "Corso Vittorio Emanuele II", "Via Dante Alighieri",
    "Via Camillo Benso di Cavour", "Viale Europa", "Via XX Settembre", "Via IV Novembre", "Via Alessandro Manzoni",
    "Via Giacomo Matteotti", "Piazza della Repubblica", "Via della Libertà", "Via Nazionale", "Viale dei Mille",
    "Via Guglielmo Marconi", "Via Antonio Gramsci", "Corso Italia", "Via San Francesco", "Via Alessandro Volta",
    "Via Leonardo da Vinci", "Via Galileo Galilei", "Via Cesare Battisti", "Via dei Tigli", "Via delle Industrie",
    "Via dell'Artigianato", "Viale della Stazione", "Via Aldo Moro", "Via Enrico Fermi", "Via Trieste",
)

_REGION_NAMES = tuple(REGIONS)
_REGION_CUMULATIVE = tuple(itertools.accumulate(REGIONS.values()))


def any_region(rng: random.Random) -> str:
    """Return a region drawn by population."""
    return rng.choices(_REGION_NAMES, cum_weights=_REGION_CUMULATIVE)[0]


def town_in(rng: random.Random, region: str) -> Town:
    """Return a town of ``region``, the first (the regional capital) more often than the others."""
    towns = TOWNS_BY_REGION[region]
    return towns[0] if rng.random() < 0.45 else rng.choice(towns)


def street_address(rng: random.Random) -> str:
    """Return a street and house number."""
    return f"{rng.choice(STREETS)} {rng.randint(1, 180)}"


def landline(rng: random.Random, town: Town) -> str:
    """Return an office phone number with the town's prefix."""
    digits = 10 - len(town.phone_prefix)
    return f"+39 {town.phone_prefix} {rng.randrange(10 ** (digits - 1), 10 ** digits)}"


def mobile(rng: random.Random) -> str:
    """Return a mobile phone number."""
    return f"+39 3{rng.randint(20, 93)} {rng.randint(1000000, 9999999)}"
