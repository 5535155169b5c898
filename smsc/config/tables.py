"""The table reader: reads a TOML table (or a JSON object) key by key, collecting every
problem with its full key path instead of stopping at the first.

A *read function* takes a ``Table`` and returns a record (``read_timers(t) -> Timers``). It
asks for each key with ``t.get`` / ``t.require`` (a value parser from ``smsc.config.values``),
``t.table`` (a sub-table, read by another read function) or ``t.array`` (an array of tables);
a bad value is recorded and its default returned, so reading goes on and every key is checked.
When the read function returns, the keys it never asked for are reported as unknown (with the
closest known key as a suggestion), and a table with any problem is dropped: the record built
from placeholders never leaves the reader, and checks across the items of an array (duplicate
names) see only the items that read cleanly. ``Reader.read`` raises one ``ConfigError``
listing every problem in the order of the file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from .errors import ConfigError, Problem
from .values import InvalidValueError, Parser, shown

__all__ = ["Reader", "Table", "parse_value"]

T = TypeVar("T")

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class _AbortTableError(Exception):
    """A table had problems: the record read from it is not used."""


class Reader:
    """Reads one document (a whole file, or one JSON object) from ``source``."""

    def __init__(self, source: str, document: Mapping[str, object], path: str = "") -> None:
        self.source = source
        self.document = document
        self.path = path  # key path of the document itself ("faults[0]" for one fault)
        self.problems: list[Problem] = []

    def read(self, read: Callable[[Table], T]) -> T:
        """The record ``read`` makes of the document; ConfigError listing every problem."""
        table = Table(self, self.path, self.document)
        value = table.run(read)
        if self.problems:
            raise ConfigError.of(sorted(self.problems, key=lambda p: self._position(p.key)))
        assert value is not None  # a table fails only with a problem recorded
        return value

    def add(self, key: str, problem: str) -> None:
        self.problems.append(Problem(self.source, key, problem))

    def _position(self, key: str) -> tuple[int, ...]:
        """Where ``key`` is in the document, to report problems top to bottom; a missing key
        sorts after the keys of its table."""
        node: object = self.document
        rest = key.removeprefix(self.path)
        position: list[int] = []
        for name, index in _PATH_PART.findall(rest):
            if name and isinstance(node, Mapping):
                keys = list(node)
                position.append(keys.index(name) if name in node else len(keys))
                node = node.get(name)
            elif index and isinstance(node, list) and int(index) < len(node):
                position.append(int(index))
                node = node[int(index)]
            else:
                position.append(1 << 30)
                node = None
        return tuple(position)


class Table:
    """One table being read: each key parsed once, problems recorded under its key path."""

    def __init__(self, reader: Reader, path: str, data: Mapping[str, object]) -> None:
        self.reader = reader
        self.path = path
        self.data = data
        self.unknown_note = ""  # added to "unknown key" (" for kind reject")
        self._asked: set[str] = set()
        self._bad: set[str] = set()

    def key(self, name: str) -> str:
        """The full key path of ``name`` in this table."""
        return f"{self.path}.{name}" if self.path else name

    def has(self, name: str) -> bool:
        return name in self.data

    def valid(self, *names: str) -> bool:
        """Whether none of ``names`` had a problem: guard for checks across keys."""
        return not self._bad.intersection(names)

    def problem(self, name: str, problem: str) -> None:
        """Record a problem with key ``name`` (a check across keys, a duplicate, ...)."""
        if name in self.data:
            self._asked.add(name)  # known, if refused: not "unknown" as well
        self._bad.add(name)
        self.reader.add(self.key(name), problem)

    def get(self, name: str, parse: Parser[T], default: T) -> T:
        """The value of key ``name`` or ``default`` when absent (or bad: the problem is
        recorded and the table fails)."""
        self._asked.add(name)
        if name not in self.data:
            return default
        try:
            return parse(self.data[name])
        except InvalidValueError as exc:
            self._bad.add(name)
            self.reader.problems.extend(_problems(self.reader.source, self.key(name), exc))
            return default

    def require(self, name: str, parse: Parser[T], placeholder: T, missing: str = "") -> T:
        """Like ``get`` for a key that must be given; ``placeholder`` only stands in while the
        rest of a failed table is checked. ``missing`` replaces "is required"."""
        self._asked.add(name)
        if name not in self.data:
            self.problem(name, missing or "is required")
            return placeholder
        return self.get(name, parse, placeholder)

    def table(self, name: str, read: Callable[[Table], T], default: T) -> T:
        """Sub-table ``[name]`` (or an inline table) read by ``read``; ``default`` if absent."""
        self._asked.add(name)
        if name not in self.data:
            return default
        raw = self.data[name]
        if not isinstance(raw, dict):
            self.problem(name, f"must be a table, got {shown(raw)}")
            return default
        value = Table(self.reader, self.key(name), raw).run(read)
        if value is None:
            self._bad.add(name)
            return default
        return value

    def array(self, name: str, read: Callable[[Table], T]) -> dict[int, T]:
        """Array of tables ``[[name]]``, each read by ``read``: the good ones by index."""
        self._asked.add(name)
        raw = self.data.get(name, [])
        if not isinstance(raw, list):
            self.problem(name, f"must be an array of tables ([[{name}]]), got {shown(raw)}")
            return {}
        out: dict[int, T] = {}
        for i, item in enumerate(raw):
            key = f"{self.key(name)}[{i}]"
            if not isinstance(item, dict):
                self.reader.add(key, f"must be a table, got {shown(item)}")
                self._bad.add(name)
                continue
            value = Table(self.reader, key, item).run(read)
            if value is None:
                self._bad.add(name)
            else:
                out[i] = value
        return out

    def unique(
        self,
        name: str,
        items: Mapping[int, T],
        field: str,
        value_of: Callable[[T], object],
        show: Callable[[object], str] = shown,
    ) -> None:
        """Report each item of array ``name`` whose ``field`` repeats an earlier item's."""
        first: dict[object, int] = {}
        for i, item in items.items():
            value = value_of(item)
            if value in first:
                self.problem(
                    f"{name}[{i}].{field}",
                    f"duplicate of {self.key(name)}[{first[value]}].{field} {show(value)}",
                )
            else:
                first[value] = i

    def give_up(self) -> None:
        """Stop reading this table: its other keys cannot be judged (an unknown ``kind``)."""
        self._asked.update(self.data)
        self._bad.add("")
        raise _AbortTableError

    def run(self, read: Callable[[Table], T]) -> T | None:
        """``read(self)``, then the unknown keys; None if the table had any problem (so a read
        function returns a record, never None)."""
        try:
            value = read(self)
        except _AbortTableError:
            return None
        known = sorted(self._asked)
        for name in self.data:
            if name not in self._asked:
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                self.problem(name, f"unknown key{self.unknown_note}{hint}")
        return None if self._bad else value


def _problems(source: str, key: str, exc: InvalidValueError) -> list[Problem]:
    return [Problem(source, key + suffix, problem) for suffix, problem in exc.items]


def parse_value(source: str, key: str, parse: Parser[T], value: object) -> T:
    """One value outside a table (a command-line option); ConfigError if it is bad."""
    try:
        return parse(value)
    except InvalidValueError as exc:
        raise ConfigError.of(_problems(source, key, exc)) from None
