"""The config's one error type: every problem found, each naming where and which key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ConfigError", "Problem"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One unusable value. ``str()`` is ``source: key.path: problem``."""

    source: str  # the file name, "command line", or "" (an HTTP body: the request says which)
    key: str  # key path such as "accounts[2].throughput", indices from 0; "" for the whole file
    problem: str

    def __str__(self) -> str:
        return ": ".join(part for part in (self.source, self.key, self.problem) if part)


class ConfigError(ValueError):
    """A config that cannot be used. ``problems`` holds every problem found, in the order of
    the file; ``str(err)`` is one line per problem. ``source``, ``key`` and ``problem`` are
    the first problem's."""

    problems: tuple[Problem, ...]

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.problems = (Problem(source, key, problem),)
        super().__init__(str(self.problems[0]))

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> ConfigError:
        """One error for several problems (at least one)."""
        first = problems[0]
        err = cls(first.source, first.key, first.problem)
        err.problems = tuple(problems)
        err.args = ("\n".join(str(p) for p in problems),)
        return err

    @property
    def source(self) -> str:
        return self.problems[0].source

    @property
    def key(self) -> str:
        return self.problems[0].key

    @property
    def problem(self) -> str:
        return self.problems[0].problem
