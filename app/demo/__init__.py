"""The demo network generator: a realistic Italian utility, its sales and service network, a year of data.

``flask demo seed`` calls :func:`app.demo.seed.seed_demo`. Every module here builds one concept as plain rows
from a seeded ``random.Random``; :mod:`app.demo.bulk` writes them in one transaction.
"""
