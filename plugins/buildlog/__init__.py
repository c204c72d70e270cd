"""Repeated build warnings shown a few times, then summarized with a count and the full list in a file;
Pelican's own refusals said plainly, in Chinese first, without a traceback (refusals.py)."""

import logging
from pathlib import Path

from pelican import Pelican, signals

from .refusals import PlainRefusals, relative_path
from .repeats import RepeatedWarnings

DEFAULT_SETTINGS = {
    # How many warnings (or errors) of one kind the log shows before it only counts them.
    "BUILDLOG_SHOWN": 3,
    # Every warning and error of the last build, under CACHE_PATH.
    "BUILDLOG_FILE": "build-warnings.txt",
}
logger = logging.getLogger(__name__)
_filter = RepeatedWarnings()
_refusals = PlainRefusals()


def _install(pelican: Pelican) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)
    _filter.shown = pelican.settings["BUILDLOG_SHOWN"]
    _filter.list_file = Path(pelican.settings["CACHE_PATH"]) / pelican.settings["BUILDLOG_FILE"]
    _filter.reset()
    for handler in logging.getLogger().handlers:
        for log_filter in (_refusals, _filter):  # reworded first, so the list holds what was shown
            if log_filter not in handler.filters:
                handler.addFilter(log_filter)


def _summarize(pelican: Pelican) -> None:
    path = _filter.list_file
    _filter.write_list(path)
    for level, line in list(_filter.summaries(relative_path(str(path)))):
        logger.log(level, line, extra={"buildlog_shown": True})
    _filter.reset()


def register() -> None:
    signals.initialized.connect(_install)
    signals.finalized.connect(_summarize)
