"""Italian names for the demo: people, companies of the network and business customers."""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from app.demo.places import TOWNS
from app.demo.places import Town

MALE_NAMES = (
    "Marco", "Andrea", "Luca", "Giuseppe", "Francesco", "Alessandro", "Matteo", "Lorenzo", "Davide", "Simone",
    "Roberto", "Stefano", "Paolo", "Giovanni", "Antonio", "Mario", "Fabio", "Massimo", "Riccardo", "Federico",
    "Alberto", "Claudio", "Daniele", "Emanuele", "Gabriele", "Giorgio", "Michele", "Nicola", "Pietro", "Salvatore",
    "Vincenzo", "Tommaso", "Enrico", "Filippo", "Leonardo", "Raffaele", "Sergio", "Carlo", "Domenico", "Gianluca",
    "Maurizio", "Angelo", "Cristian", "Diego", "Edoardo", "Franco", "Ivan", "Luigi", "Mattia", "Valerio",
)
FEMALE_NAMES = (
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessandra", "Elena", "Federica", "Silvia",
    "Laura", "Anna", "Paola", "Elisa", "Roberta", "Maria", "Giorgia", "Ilaria", "Monica", "Barbara",
    "Claudia", "Cristina", "Daniela", "Eleonora", "Erica", "Irene", "Lucia", "Manuela", "Marta", "Michela",
    "Patrizia", "Serena", "Simona", "Stefania", "Teresa", "Veronica", "Alice", "Beatrice", "Camilla", "Caterina",
    "Debora", "Emma", "Gloria", "Ludovica", "Noemi", "Rita", "Sofia", "Tiziana", "Vanessa", "Viola",
)
SURNAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
    "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
    "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
    "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani",
    "Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore",
    "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori",
    "Neri", "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino", "D'Amico", "Orlando", "Damico", "Negri",
    "Fumagalli", "Brambilla", "Colonna", "Zanetti", "Bassi", "Orsini", "Caprioli", "Melis", "Cirillo", "Pace",
    "Zanella", "Bonetti", "Rota", "Mele", "Tedesco", "Ferrero", "Mazzola", "Cocco", "Bertolini", "Sartor",
)
BUSINESS_TRADES = (
    "Costruzioni", "Trasporti", "Impianti", "Autofficina", "Panificio", "Alimentari", "Ristorante", "Hotel",
    "Farmacia", "Tipografia", "Meccanica", "Logistica", "Serramenti", "Carrozzeria", "Ferramenta", "Pasticceria",
    "Caseificio", "Cantina", "Lavanderia", "Studio Tecnico", "Arredamenti", "Ceramiche", "Elettronica", "Bar",
)
AGENCY_WORDS = ("Energia", "Servizi Energetici", "Energy Partners", "Luce e Gas", "Consulting", "Energie")
CALL_CENTRE_WORDS = ("Contact", "Teleselling", "Call Service", "Direct", "Voice")
INSTALLER_WORDS = ("Impianti", "Termoidraulica", "Impianti Elettrici", "Solar", "Clima", "Tecnoimpianti")


@dataclass(frozen=True)
class Person:
    """A natural person: what a codice fiscale is built from."""

    first_name: str
    last_name: str
    female: bool
    birth_date: date
    birth_town: Town

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def person(rng: random.Random, born_from: int = 1955, born_to: int = 2000) -> Person:
    """Return a person born between the two years."""
    female = rng.random() < 0.42
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    start = date(born_from, 1, 1)
    born = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days))
    return Person(first, rng.choice(SURNAMES), female, born, rng.choice(TOWNS))


def agency_name(rng: random.Random, town: Town) -> str:
    """Return the name of a sales agency company."""
    pattern = rng.randrange(3)
    if pattern == 0:
        return f"{rng.choice(AGENCY_WORDS)} {town.name} S.r.l."
    if pattern == 1:
        return f"Agenzia {rng.choice(SURNAMES)} {rng.choice(AGENCY_WORDS)} S.r.l."
    return f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(AGENCY_WORDS)} S.r.l."


def partnership_name(rng: random.Random, words: tuple[str, ...] = AGENCY_WORDS) -> str:
    """Return the name of a partnership (società di persone)."""
    suffix = rng.choice(("S.n.c.", "S.a.s."))
    return f"{rng.choice(SURNAMES)} & {rng.choice(SURNAMES)} {rng.choice(words)} {suffix}"


def call_centre_name(rng: random.Random, town: Town) -> str:
    """Return the name of an outbound call centre company."""
    return f"{town.name} {rng.choice(CALL_CENTRE_WORDS)} S.r.l."


def installer_name(rng: random.Random, company: bool) -> str:
    """Return the name of an installation business."""
    if company:
        return f"{rng.choice(INSTALLER_WORDS)} {rng.choice(SURNAMES)} S.r.l."
    return partnership_name(rng, INSTALLER_WORDS)


def business_customer_name(rng: random.Random, town: Town) -> str:
    """Return the name of a business customer: a shop, a workshop, a small company."""
    trade = rng.choice(BUSINESS_TRADES)
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{trade} {rng.choice(SURNAMES)} S.r.l."
    if pattern == 1:
        return f"{trade} {rng.choice(SURNAMES)} di {rng.choice(MALE_NAMES + FEMALE_NAMES)} {rng.choice(SURNAMES)}"
    if pattern == 2:
        return f"{trade} {town.name} S.n.c."
    return f"{rng.choice(SURNAMES)} {trade} S.a.s."


def slug(text: str) -> str:
    """Return ``text`` as a lower-case name for e-mail addresses: letters, digits and hyphens."""
    plain = unicodedata.normalize("NFKD", text.lower().replace("&", "e")).encode("ascii", "ignore").decode()
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in plain)
    return "-".join(part for part in cleaned.split("-") if part and part not in ("s", "r", "l", "n", "c", "a"))
