"""Stories checked as they are read: a Python-Markdown extension finds the hits in the source and hands
them to Pelican with the metadata, which fastbuild's reader cache keeps (and reads in parallel)."""

import re
from bisect import bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, NamedTuple

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from .matching import Matcher
from .plaintext import markdown_lines

HITS_KEY = "proofreading_hits"  # metadata: a tuple of Hit
CONTEXT_CHARACTERS = 12


class Hit(NamedTuple):
    line: int
    wrong: str
    advice: str
    severity: str
    note: str
    context: str  # the text around the hit, as readers see it


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARACTERS) : start].lstrip()
    after = text[end : end + CONTEXT_CHARACTERS].rstrip()
    left = "…" if start > CONTEXT_CHARACTERS else ""
    right = "…" if end + CONTEXT_CHARACTERS < len(text.rstrip()) else ""
    return re.sub(r"\s+", " ", f"{left}{before}{text[start:end]}{after}{right}")


def find_hits(lines: Iterable[str], matcher: Matcher, fields: Iterable[str]) -> tuple[Hit, ...]:
    """Every hit in a Markdown file's lines (front matter included), with its line number."""
    texts = markdown_lines(lines, fields)
    # One pass over the whole text; a line break never belongs to a word, so no hit spans lines.
    matches = matcher.find("\n".join(texts))
    if not matches:
        return ()
    starts = list(accumulate((len(text) + 1 for text in texts), initial=0))
    hits = []
    for match in matches:
        index = bisect_right(starts, match.start) - 1
        text, offset = texts[index], starts[index]
        context = _context(text, match.start - offset, match.end - offset)
        entry = match.entry
        hits.append(Hit(index + 1, entry.wrong, entry.advice, entry.severity, entry.note, context))
    return tuple(hits)


class _FindHits(Preprocessor):
    def __init__(self, md: Markdown, matcher: Matcher, fields: tuple[str, ...]) -> None:
        super().__init__(md)
        self.matcher = matcher
        self.fields = fields

    def run(self, lines: list[str]) -> list[str]:
        # Pelican converts the summary again without the meta preprocessor: that is not a file.
        if "meta" in self.md.preprocessors:
            self.md.proofreading_hits = find_hits(lines, self.matcher, self.fields)
        return lines


class _RecordHits(Preprocessor):
    """After the meta extension: hands the hits to Pelican with the metadata."""

    def run(self, lines: list[str]) -> list[str]:
        hits = getattr(self.md, "proofreading_hits", ())
        if hits and isinstance(getattr(self.md, "Meta", None), dict):
            self.md.Meta[HITS_KEY] = [hits]
        self.md.proofreading_hits = ()
        return lines


class Proofread(Extension):
    """Python-Markdown extension: after controlchars' cleaning (35), before whitespace normalization
    (30) and meta (27), so line numbers are the file's; recorded after meta."""

    def __init__(self, matcher: Matcher, fields: tuple[str, ...]) -> None:
        super().__init__()
        self.matcher = matcher
        self.fields = fields

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_FindHits(md, self.matcher, self.fields), "proofreading_find", 34)
        md.preprocessors.register(_RecordHits(md), "proofreading_record", 26)


def add_to_markdown(settings: dict[str, Any], extension: Proofread) -> None:
    """Put `extension` in the Markdown settings, replacing one added by an earlier build."""
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = [item for item in markdown.get("extensions", []) if not isinstance(item, Proofread)]
    markdown["extensions"] = [*extensions, extension]
