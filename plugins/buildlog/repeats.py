"""Warnings and errors of one kind shown a few times, then summarized once at the end of the build.

A kind is one logger and one format string (`logger.warning("%s is dated %s …", path, date)` is one
kind whatever the path and date). A format string that only wraps a message built elsewhere
(`log.warning("channels: %s", problem)`) would make every problem one kind, so the arguments count
with their shape: file names, quoted text and numbers left out.

Pelican's own LimitFilter (pelican/log.py) still runs first, on each logger: it drops exact repeats,
LOG_FILTER's ignored messages and, past its threshold, the records it groups by `limit_msg`; records
it already groups are left to it here. This filter sits on the output handlers instead, so a hidden
record still counts for `pelican --fatal warnings`.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Source files named in a message: what an editor opens to fix it.
SOURCE_FILE = re.compile(r"(?:[\w.-]+/)*[\w.-]+\.(?:md|markdown|mkd|rst|html?|eml|txt)\b")
FILES_IN_SUMMARY = 3
# What varies between messages of one kind, replaced by a mark in the argument's shape.
VARYING = (
    (re.compile(r"(?:[\w.-]*/)+[\w.-]*|[\w-]+\.[A-Za-z]\w{0,4}\b"), "<file>"),
    (re.compile(r"“[^”]*”|‘[^’]*’|'[^']*'|\"[^\"]*\""), "<text>"),
    (re.compile(r"\d+"), "<n>"),
)


def shape(value: object) -> str:
    """An argument's text without what varies between messages of one kind."""
    text = str(value)
    for pattern, mark in VARYING:
        text = pattern.sub(mark, text)
    return text


# A format string that is only a short prefix and the message (`"channels: %s"`).
WRAPPER = re.compile(r"[\w .:-]{0,40}%s")


def kind_key(record: logging.LogRecord) -> tuple[str, int, str, tuple[str, ...]]:
    fmt = str(record.msg)
    if not WRAPPER.fullmatch(fmt):
        # The format string says what the message is; its arguments (a file, an organization's
        # name) are what varies between messages of the kind.
        return record.name, record.levelno, fmt, ()
    args = record.args if isinstance(record.args, tuple) else (record.args,) if record.args else ()
    return record.name, record.levelno, fmt, tuple(shape(arg) for arg in args)


@dataclass
class Kind:
    level: int
    first_message: str
    count: int = 0
    files: list[str] = field(default_factory=list)


class RepeatedWarnings(logging.Filter):
    """Lets the first `shown` records of each kind through; counts and keeps every one."""

    def __init__(self, shown: int = 3) -> None:
        super().__init__()
        self.shown = shown
        self.list_file = Path("build-warnings.txt")  # where every warning of the build is listed
        self.kinds: dict[tuple[str, int, str, tuple[str, ...]], Kind] = {}
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        decided = getattr(record, "buildlog_shown", None)
        if decided is not None:  # the same record on a second handler, or a summary
            return decided
        message = record.getMessage()
        self.messages.append(f"{record.levelname} {record.name}: {message}")
        if getattr(record, "limit_msg", None):  # grouped and limited by Pelican's LimitFilter already
            record.buildlog_shown = True
            return True
        kind = self.kinds.setdefault(kind_key(record), Kind(record.levelno, message))
        kind.count += 1
        source = SOURCE_FILE.search(message)
        if source and len(kind.files) < FILES_IN_SUMMARY and source.group() not in kind.files:
            kind.files.append(source.group())
        record.buildlog_shown = kind.count <= self.shown
        return record.buildlog_shown

    def summaries(self, full_list: str) -> Iterator[tuple[int, str]]:
        """(level, line) for each kind with more records than were shown."""
        for kind in self.kinds.values():
            if kind.count <= self.shown:
                continue
            files = f" First: {', '.join(kind.files)}." if kind.files else ""
            hidden = kind.count - self.shown
            yield (
                kind.level,
                f"{kind.count} {logging.getLevelName(kind.level).lower()}s like “{kind.first_message}” "
                f"({self.shown} shown, {hidden} more hidden).{files} All of them: {full_list}",
            )

    def write_list(self, path: Path) -> None:
        """Every warning and error of the build, one per line (an empty file when there were none)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{line}\n" for line in self.messages), encoding="utf-8")

    def reset(self) -> None:
        self.kinds.clear()
        self.messages.clear()
