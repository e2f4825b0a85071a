"""Disputes of a statement inside the ``statement_review`` process: a partner raises one on some lines
(``raising``), the back-office accepts each line with an adjustment or rejects it (``resolving``), the statement is
revised with its tax items recomputed (``revision``), and disputes still open at the period's review deadline are
carried into the next period (``carrying``). ``operations`` holds what the review's service tasks call.
"""
