"""The principal's registry data on the settings pages: a typed, checked field per registry setting, and one form
that changes all of it from a date (a move changes address, postcode, city and province together).

Tax numbers are checked with python-stdnum: the VAT number's check digit, the fiscal code (the company's 11 digits,
or a person's 16 characters), the IBAN's check digits. Values are stored compact (no spaces, upper case).
"""

from flask_babel import lazy_gettext as _l
from stdnum import iban
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as NumberError
from stdnum.it import codicefiscale
from stdnum.it import iva
from wtforms import StringField
from wtforms.validators import Email
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from app.services.principal import REGISTRY_FIELDS
from app.services.principal import REQUIRED_FIELDS
from app.services.principal import setting_key

LABELS = {
    "name": (_l("Company name"), _l("The principal's registered name, as on invoices: e.g. Sorgente Energia S.p.A.")),
    "vat_number": (_l("VAT number"), _l("Partita IVA: 11 digits, the last one a check digit.")),
    "fiscal_code": (_l("Fiscal code"), _l(
        "Codice fiscale: for a company usually the same 11 digits as the VAT number.")),
    "address": (_l("Address"), _l("Street and number of the registered office.")),
    "postcode": (_l("Postcode"), _l("CAP: 5 digits.")),
    "city": (_l("City"), _l("Municipality of the registered office.")),
    "province": (_l("Province"), _l("Two-letter province code, e.g. MI.")),
    "rea": (_l("REA number"), _l("Registration with the Chamber of Commerce, e.g. MI-1765432.")),
    "sdi_code": (_l("SDI recipient code"), _l(
        "Codice destinatario: the 7 characters the Exchange System (SdI) delivers the principal's e-invoices to.")),
    "email": (_l("E-mail"), _l("The principal's administration address.")),
    "iban": (_l("IBAN"), _l("The account the principal pays from.")),
}


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _compact(compact):
    return lambda value: compact(value) if isinstance(value, str) and value.strip() else _clean(value)


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


def check_vat_number(_form, field) -> None:
    """Refuse a VAT number that is not 11 digits with a right check digit."""
    try:
        iva.validate(field.data)
    except InvalidChecksum:
        raise ValidationError(_l("The check digit of this VAT number is wrong: check the number.")) from None
    except InvalidComponent:
        raise ValidationError(_l(
            "Digits 8 to 10 of a VAT number are the code of a VAT office (001-100, 120, 121, 888, 999).")) from None
    except NumberError:
        raise ValidationError(_l("An Italian VAT number has 11 digits, e.g. 04567890159.")) from None


def check_fiscal_code(_form, field) -> None:
    """Refuse a fiscal code that is neither a company's 11 digits nor a person's 16 characters, or mistyped."""
    try:
        codicefiscale.validate(field.data)
    except InvalidChecksum:
        raise ValidationError(_l("The check character of this fiscal code is wrong: check the code.")) from None
    except NumberError:
        raise ValidationError(_l(
            "A fiscal code is a company's 11 digits or a person's 16 letters and digits.")) from None


def check_iban(_form, field) -> None:
    """Refuse an IBAN whose country format or check digits are wrong."""
    try:
        iban.validate(field.data)
    except InvalidChecksum:
        raise ValidationError(_l("The check digits of this IBAN are wrong: check the number.")) from None
    except NumberError:
        raise ValidationError(_l(
            "Not an IBAN: the country code, two check digits and the account, e.g. "
            "IT60X0542811101000000123456.")) from None


def _rules(field: str) -> tuple[list, list]:
    """Return the (filters, validators) of a registry field, besides required/optional."""
    rules = {
        "name": ([_clean], [Length(max=200)]),
        "vat_number": ([_compact(iva.compact)], [check_vat_number]),
        "fiscal_code": ([_compact(codicefiscale.compact)], [check_fiscal_code]),
        "address": ([_clean], [Length(max=200)]),
        "postcode": ([_clean], [Regexp(r"^\d{5}\Z", message=_l("A postcode (CAP) has 5 digits."))]),
        "city": ([_clean], [Length(max=100)]),
        "province": ([_upper], [Regexp(r"^[A-Z]{2}\Z", message=_l("A province is two letters, e.g. MI."))]),
        "rea": ([_upper], [Regexp(r"^[A-Z]{2}[- ]?\d{1,8}\Z", message=_l(
            "A REA number is the province and a number, e.g. MI-1765432."))]),
        "sdi_code": ([_upper], [Regexp(r"^[A-Z0-9]{7}\Z", message=_l(
            "An SDI recipient code has 7 letters and digits."))]),
        "email": ([_clean], [Length(max=254), Email(message=_l("Not a valid e-mail address."))]),
        "iban": ([_compact(iban.compact)], [check_iban]),
    }
    return rules[field]


def registry_field(field: str, label=None) -> StringField:
    """Return the typed, checked form field of registry field ``field`` (required ones refuse an empty value)."""
    filters, validators = _rules(field)
    first = InputRequired(message=_l("The principal's %(what)s is required on invoices.", what=LABELS[field][0])) \
        if field in REQUIRED_FIELDS else Optional()
    return StringField(label or LABELS[field][0], filters=filters, validators=[first, *validators],
                       description=LABELS[field][1])


def setting_labels() -> dict:
    """Return the (label, help) of each registry setting, for the settings list."""
    return {setting_key(field): (_l("Principal: %(what)s", what=label), help_text)
            for field, (label, help_text) in LABELS.items()}


def value_fields(label) -> dict:
    """Return the value field of each registry setting, labelled ``label``."""
    return {setting_key(field): registry_field(field, label) for field in REGISTRY_FIELDS}


def principal_form_fields() -> dict:
    """Return the registry fields of the one form that changes the principal from a date."""
    return {field: registry_field(field) for field in REGISTRY_FIELDS}
