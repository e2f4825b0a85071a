"""Italian identifiers with valid check digits: partita IVA, codice fiscale, IBAN, POD and PDR codes.

Check digits come from python-stdnum: the partita IVA ends with a Luhn digit, the codice fiscale with the
odd/even-table letter (``stdnum.it.codicefiscale.calc_check_digit``), and the IBAN carries the ISO 7064
check digits and the Italian CIN letter, which is computed with the same odd/even tables over ABI, CAB and
account number. One :class:`Identifiers` keeps every number it handed out, so none repeats.
"""

import functools
import random
import unicodedata

from stdnum import iban as iban_number
from stdnum import luhn
from stdnum.it import codicefiscale

from app.demo.names import Person
from app.demo.places import Town

_MONTH_LETTERS = "ABCDEHLMPRST"
_VOWELS = frozenset("AEIOU")
# ABI codes of large Italian banks, so IBANs look familiar.
_BANKS = ("03069", "02008", "05034", "01030", "05387", "03062", "05696", "08327", "03111", "06230")
# Electricity distributors' codes inside a POD; most points are on the national grid operator (001).
_DISTRIBUTORS = ("001",) * 16 + ("002", "003", "012", "020", "031", "045")


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return "".join(ch for ch in plain if ch.isalpha())


@functools.cache
def _surname_code(surname: str) -> str:
    letters = _letters(surname)
    consonants = [ch for ch in letters if ch not in _VOWELS]
    vowels = [ch for ch in letters if ch in _VOWELS]
    return "".join(consonants + vowels + ["X", "X", "X"])[:3]


@functools.cache
def _first_name_code(name: str) -> str:
    letters = _letters(name)
    consonants = [ch for ch in letters if ch not in _VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    vowels = [ch for ch in letters if ch in _VOWELS]
    return "".join(consonants + vowels + ["X", "X", "X"])[:3]


def personal_fiscal_code(person: Person) -> str:
    """Return the codice fiscale of ``person``, built from name, birth date and birth town."""
    born = person.birth_date
    day = born.day + (40 if person.female else 0)
    body = (
        _surname_code(person.last_name)
        + _first_name_code(person.first_name)
        + f"{born.year % 100:02d}"
        + _MONTH_LETTERS[born.month - 1]
        + f"{day:02d}"
        + person.birth_town.belfiore
    )
    return body + codicefiscale.calc_check_digit(body)


class Identifiers:
    """Hands out unique identifiers from one random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._taken: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._taken:
                self._taken.add(value)
                return value

    def vat_number(self, town: Town) -> str:
        """Return a partita IVA registered at the VAT office of ``town``'s province."""
        def make() -> str:
            body = f"{self.rng.randint(1, 9_999_999):07d}{town.istat}"
            return body + luhn.calc_check_digit(body)
        return self._unique(make)

    def fiscal_code(self, person: Person) -> str:
        """Return the codice fiscale of ``person`` (the same person always gets the same code)."""
        return personal_fiscal_code(person)

    def iban(self) -> str:
        """Return an Italian IBAN with a valid CIN and check digits."""
        def make() -> str:
            abi = self.rng.choice(_BANKS)
            cab = f"{self.rng.randint(1000, 99999):05d}"
            account = f"{self.rng.randrange(10 ** 12):012d}"
            cin = codicefiscale.calc_check_digit(abi + cab + account)
            bban = cin + abi + cab + account
            return "IT" + iban_number.calc_check_digits("IT00" + bban) + bban
        return self._unique(make)

    def pod(self) -> str:
        """Return an electricity supply point code: IT, distributor, E, eight digits."""
        return self._unique(lambda: f"IT{self.rng.choice(_DISTRIBUTORS)}E{self.rng.randrange(10 ** 8):08d}")

    def pdr(self) -> str:
        """Return a gas supply point code: fourteen digits."""
        return self._unique(lambda: f"{self.rng.randrange(10 ** 13):014d}")
