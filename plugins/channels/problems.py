"""Build-time problems of the channel outputs: warnings by default, one error in strict mode."""

import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)


class Problem(str):
    """A problem's message, which remembers its template and values: a build log groups repeated
    warnings by template, so each kind of problem has one template and the details are its values."""

    template: str
    values: tuple[Any, ...]

    def __new__(cls, template: str, *values: Any) -> "Problem":
        problem = super().__new__(cls, template % values)
        problem.template = template
        problem.values = values
        return problem

    def __getnewargs__(self) -> tuple[Any, ...]:  # pickling makes it again from template and values
        return (self.template, *self.values)


def report(problems: Iterable[Problem], strict: bool, error: type[Exception]) -> None:
    """Log each problem as a warning, or, when `strict`, raise `error` listing all of them at once."""
    problems = list(problems)
    if strict and problems:
        raise error("\n".join(problems))
    for problem in problems:
        log.warning(problem.template, *problem.values)
