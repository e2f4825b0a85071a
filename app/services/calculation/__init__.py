"""Calculation runs: read a period's inputs set-based, call ``calc``, write the lines in bulk, in one transaction."""
