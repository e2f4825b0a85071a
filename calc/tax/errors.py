"""The one error of the tax API: a year, profile or amount the rules do not cover."""


class TaxError(ValueError):
    """A tax computation that cannot be done: unknown year, unsupported profile, bad input."""
