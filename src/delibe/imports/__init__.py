"""Adapters that read files produced elsewhere (Orébut, ScoDoc) into typed rows plus errors.

A parser here never writes anything and never raises on bad input: it returns a ``ParseResult`` whose
``errors`` name the place (element path and line, JSON path) and say, in French, what to fix. Applying
the rows (writing YAML, saving to the database) is somebody else's job, done only when there is no error.
"""

from delibe.imports.results import Issue, ParseError, ParseResult

__all__ = ["Issue", "ParseError", "ParseResult"]
