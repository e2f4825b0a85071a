"""The one error of the formula language, and the source text it points into.

Every refusal (a forbidden construct when a plan is saved, a division by zero while a run evaluates) is a
``FormulaError`` naming the line, the column and the token it is about, so the plan editor can underline it.
"""

import ast
import bisect
import os

TOKEN_WIDTH = 40


class FormulaError(ValueError):
    """A formula or script that cannot be accepted or evaluated, with the place where it went wrong."""

    def __init__(self, message, text=None, line=None, column=None, token=None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.line = line
        self.column = column
        self.token = token

    def __str__(self):
        if self.column is None:
            return self.message
        if self.line == 1 and "\n" not in (self.text or ""):
            where = f"column {self.column}"
        else:
            where = f"line {self.line}, column {self.column}"
        if self.token:
            return f"{self.message} at {where}: {self.token!r}"
        return f"{self.message} at {where}"

    def __reduce__(self):
        # Keep the position when the error crosses a process boundary (a worker reporting a failed run).
        return (type(self), (self.message, self.text, self.line, self.column, self.token))

    @property
    def located(self) -> bool:
        """Return whether the error already points at a place in the text."""
        return self.column is not None


def _shorten(token: str) -> str:
    token = token.split("\n", 1)[0]
    return token if len(token) <= TOKEN_WIDTH else token[: TOKEN_WIDTH - 3] + "..."


def _leading_space(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


class Source:
    """User text prepared for ``ast.parse``, turning AST positions back into the user's lines and columns.

    Newlines are normalised and the indentation common to every line is removed first (a script copied out
    of a BPMN file arrives indented, and a formula typed with a leading space would not parse), so columns
    reported to the user add that indentation back.
    """

    def __init__(self, text: str):
        self.text = text
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        indent = os.path.commonprefix([_leading_space(line) for line in lines if line.strip()])
        self.indent = len(indent)
        self.lines = [line[self.indent :] if line.strip() else "" for line in lines]
        self.parsed = "\n".join(self.lines)
        self._starts = [0]
        for line in self.lines[:-1]:
            self._starts.append(self._starts[-1] + len(line) + 1)

    def index(self, line: int, byte_column: int) -> int:
        """Return the offset in ``parsed`` of an AST position (1-based line, UTF-8 byte column)."""
        text = self.lines[line - 1].encode("utf-8", "surrogatepass")[:byte_column]
        return self._starts[line - 1] + len(text.decode("utf-8", "ignore"))

    def index_of(self, line: int, column: int) -> int:
        """Return the offset in ``parsed`` of a tokenizer position (1-based line, character column)."""
        return self._starts[line - 1] + column

    def start(self, node: ast.AST) -> int:
        """Return the offset in ``parsed`` where ``node`` begins."""
        return self.index(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> int:
        """Return the offset in ``parsed`` just after ``node``."""
        return self.index(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        """Return the source text of ``node``."""
        return self.parsed[self.start(node) : self.end(node)]

    def error_at(self, message: str, offset: int, token: str) -> FormulaError:
        """Return an error pointing at ``offset`` in ``parsed``."""
        line = bisect.bisect_right(self._starts, offset)
        column = offset - self._starts[line - 1] + 1 + (self.indent if self.lines[line - 1] else 0)
        return FormulaError(message, self.text, line, column, _shorten(token))

    def error(self, message: str, node: ast.AST, token: str | None = None) -> FormulaError:
        """Return an error pointing at ``node`` (its own text unless ``token`` is given)."""
        return self.error_at(message, self.start(node), self.segment(node) if token is None else token)

    def error_dot(self, message: str, node: ast.Attribute) -> FormulaError:
        """Return an error pointing at the ``.name`` part of an attribute access."""
        offset = self.parsed.find(".", self.end(node.value))
        return self.error_at(message, offset if offset >= 0 else self.start(node), "." + node.attr)

    def error_between(self, message: str, left: ast.AST, right: ast.AST, fallback: ast.AST) -> FormulaError:
        """Return an error pointing at the operator written between two operands."""
        begin, finish = self.end(left), self.start(right)
        raw = self.parsed[begin:finish]
        token = raw.strip(" \t\n\\()")
        if not token:
            return self.error(message, fallback)
        return self.error_at(message, begin + raw.index(token), token)

    def error_syntax(self, exc: SyntaxError) -> FormulaError:
        """Return the error for text that is not valid syntax at all."""
        message = exc.msg if "syntax" in exc.msg else f"syntax error: {exc.msg}"
        line = min(max(exc.lineno or 1, 1), len(self.lines))
        text = self.lines[line - 1]
        # Without an offset the parser ran out of text ("a +"): point just past the end of the line.
        first = min(exc.offset - 1, len(text)) if exc.offset else len(text)
        last = first + 1
        if exc.end_lineno == line and exc.end_offset and exc.end_offset - 1 > first:
            last = exc.end_offset - 1
        return self.error_at(message, self._starts[line - 1] + first, text[first:last])
