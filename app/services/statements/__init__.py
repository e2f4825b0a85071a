"""Statements: publishing a validated period's statements with their tax items, reviewing and disputing them."""
