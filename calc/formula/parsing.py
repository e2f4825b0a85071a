"""From user text to a bounded syntax tree: ``ast.parse`` only, never compiled to code.

Two things the parser merely warns about are refused first, by a scan of the tokens: an invalid escape
like ``"\\d"`` and a number glued to a keyword like ``1if``. Refusing them here keeps the parser silent without
touching the process-wide warning filters, which other threads share.
"""

import ast
import io
import tokenize

from .errors import FormulaError
from .errors import Source
from .values import MAX_DEPTH
from .values import MAX_NODES
from .values import MAX_SOURCE_CHARS

_ESCAPES = frozenset("\n\\'\"abfnrtv01234567xNuU")


def parse(source: Source, mode: str) -> ast.AST:
    """Return the syntax tree of ``source`` (``mode`` "eval" or "exec"), refusing oversized text."""
    if len(source.text) > MAX_SOURCE_CHARS:
        raise FormulaError(f"text longer than {MAX_SOURCE_CHARS} characters", source.text)
    if mode == "eval" and not source.parsed.strip():
        raise FormulaError("empty formula", source.text)
    if "\x00" in source.parsed:
        raise source.error_at("text contains a null character", source.parsed.index("\x00"), "\x00")
    _scan(source)
    try:
        tree = ast.parse(source.parsed, mode=mode)
    except SyntaxError as exc:
        raise source.error_syntax(exc) from None
    except (RecursionError, MemoryError):
        raise FormulaError(f"nested more than {MAX_DEPTH} levels", source.text) from None
    except (ValueError, UnicodeError) as exc:
        raise FormulaError(f"unreadable text: {exc}", source.text) from None
    _measure(source, tree)
    return tree


def _scan(source: Source) -> None:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source.parsed).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # not even tokens: the parser reports it, with its own message
    previous = None
    for token in tokens:
        if token.type == tokenize.STRING:
            _escapes(source, token)
        glued = previous is not None and previous.type == tokenize.NUMBER and previous.end == token.start
        if glued and token.type == tokenize.NAME:
            offset = source.index_of(*token.start)
            raise source.error_at("put a space between a number and a word", offset, token.string)
        previous = token


def _escapes(source: Source, token: tokenize.TokenInfo) -> None:
    text = token.string
    prefix = text[: min(text.find(quote) for quote in "'\"" if quote in text)]
    if "r" in prefix.lower():
        return
    at = text.find("\\")
    while at >= 0:
        escape = text[at + 1 : at + 2]
        if escape not in _ESCAPES:
            offset = source.index_of(*token.start) + at
            raise source.error_at(f"invalid escape sequence '\\{escape}'", offset, "\\" + escape)
        at = text.find("\\", at + 2)


def _measure(source: Source, tree: ast.AST) -> None:
    # Iterative, so a pathological tree is refused before any recursive walk over it.
    stack = [(tree, 1, None)]
    count = 0
    while stack:
        node, depth, anchor = stack.pop()
        anchor = node if hasattr(node, "lineno") else anchor
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            too_many = count > MAX_NODES
            message = (
                f"too long: more than {MAX_NODES} parts"
                if too_many
                else f"nested more than {MAX_DEPTH} levels"
            )
            if anchor is None:
                raise FormulaError(message, source.text)
            raise source.error(message, anchor)
        stack.extend((child, depth + 1, anchor) for child in ast.iter_child_nodes(node))
