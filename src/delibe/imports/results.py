"""What every parser returns: the rows it could read and the problems it found, each with its place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Files larger than this are refused before parsing: a référentiel or a formation export is a few
# hundred kilobytes; 10 MB leaves room for any real file and keeps a hostile one from exhausting memory.
MAX_INPUT_BYTES = 10 * 1024 * 1024
# A file full of faults (hostile, or not an export at all) must not yield millions of messages: past this
# many, problems are counted, not kept.
MAX_ISSUES = 500


@dataclass(frozen=True)
class Issue:
    """One problem found in an input file: ``place`` says where (file, element path and line, JSON path),
    ``message`` says what is wrong and how to fix it, in French."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place} : {self.message}" if self.place else self.message


class ParseError(Exception):
    """Raised by ``ParseResult.unwrap`` when the input had errors; carries them all."""

    def __init__(self, errors: tuple[Issue, ...]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class ParseResult(Generic[T]):
    """The outcome of a parser. ``value`` is ``None`` when the input could not be read at all; when
    ``errors`` is not empty, ``value`` (if any) must not be applied: it is only there to help diagnose."""

    value: T | None
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.errors

    def unwrap(self) -> T:
        """The value, or ``ParseError`` with every error: all or nothing."""
        if self.errors or self.value is None:
            raise ParseError(self.errors or (Issue("", "fichier illisible"),))
        return self.value


def listing(names: Iterable[object], empty: str = "aucune", limit: int = 12) -> str:
    """A short list for an error message (a hostile file may have thousands of names)."""
    values = sorted({str(n) for n in names})
    shown = ", ".join(values[:limit])
    if len(values) > limit:
        shown += f"… ({len(values)} en tout)"
    return shown or empty


class Issues(list[Issue]):
    """A list of issues that keeps the first ``limit`` (``MAX_ISSUES`` by default) and counts the others."""

    def __init__(self, limit: int = MAX_ISSUES) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def append(self, issue: Issue) -> None:
        if len(self) < self.limit:
            super().append(issue)
        else:
            self.dropped += 1

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self.append(issue)

    def absorb(self, other: Issues) -> None:
        self.extend(other)
        self.dropped += other.dropped

    def final(self) -> tuple[Issue, ...]:
        if not self.dropped:
            return tuple(self)
        return (*self, Issue("", f"… et {self.dropped} autre(s) problème(s) du même fichier, non détaillés."))
