"""Build-time problems of the channel outputs: warnings by default, one error in strict mode."""

import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)


def report(problems: Iterable[str], strict: bool, error: type[Exception]) -> None:
    """Log each problem as a warning, or, when `strict`, raise `error` listing all of them at once."""
    problems = list(problems)
    if strict and problems:
        raise error("\n".join(problems))
    for problem in problems:
        log.warning("channels: %s", problem)
