"""Stories cleaned as they are read, so every output (pages, feeds, search, channels) is clean.

Markdown sources are cleaned line by line before Python-Markdown parses them: front matter too, so a
stray character cannot break a date, a category or a slug. What was found travels with the reader's
output as metadata (`FOUND_KEY`), which fastbuild's reader cache keeps: the warning naming the file
and lines is logged in the main process on every build until the file is fixed. Content from other
readers (HTML files) is cleaned on the content object instead, and its lines are found in the file.
"""

import logging
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from .characters import clean_text, describe

logger = logging.getLogger(__name__)

FOUND_KEY = "controlchars_found"  # metadata: ((line number, {label: count}), ...)
# One format string for every file, so plugins/buildlog counts them as one kind.
WARNING = (
    "稿件 %s 第 %s 行有网页和订阅源容纳不了的看不见的字符（%s），多是从 Word 粘贴带来的，已去掉"
    "（Word 的手动换行改成了换行）：请在文件里把这几行重新输入。"
    "(characters a page or feed cannot hold were left out; delete them in the file)"
)
LINES_NAMED = 5
MARKDOWN_HARD_BREAK = "  \n"
_META_LINE = re.compile(r"^(?:-{3}|[ ]{0,3}[A-Za-z0-9_-]+:)")

Found = tuple[tuple[int, dict[str, int]], ...]


def clean_markdown_lines(lines: list[str]) -> tuple[list[str], Found]:
    """Clean a Markdown file's lines: in the front matter a line break becomes a space (a value stays
    on its line), in the body a hard line break. Returns the lines and what was found on which line."""
    in_front_matter = bool(lines) and bool(_META_LINE.match(lines[0]))
    cleaned: list[str] = []
    found = []
    for number, line in enumerate(lines, start=1):
        if in_front_matter and not line.strip():
            in_front_matter = False
        text, counts = clean_text(line, " " if in_front_matter else MARKDOWN_HARD_BREAK)
        if counts:
            found.append((number, dict(counts)))
            text = text.removesuffix("\n")  # a break at the end of a line: the line ends anyway
        cleaned += text.split("\n")
    return cleaned, tuple(found)


class _CleanSource(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        cleaned, self.md.controlchars_found = clean_markdown_lines(lines)
        return cleaned


class _RecordFound(Preprocessor):
    """After the meta extension: hands what was found to Pelican with the metadata."""

    def run(self, lines: list[str]) -> list[str]:
        found = getattr(self.md, "controlchars_found", ())
        if found and isinstance(getattr(self.md, "Meta", None), dict):
            self.md.Meta[FOUND_KEY] = [found]
        return lines


class CleanCharacters(Extension):
    """Python-Markdown extension: before whitespace normalization (30) and meta (27), record after."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_CleanSource(md), "controlchars_clean", 35)
        md.preprocessors.register(_RecordFound(md), "controlchars_record", 26)


def add_to_markdown(settings: dict[str, Any]) -> None:
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(extension, CleanCharacters) for extension in extensions):
        extensions.append(CleanCharacters())


def _clean_value(value: Any, found: Counter[str]) -> Any:
    if isinstance(value, str):
        text, counts = clean_text(value, " ")
        found.update(counts)
        return text
    if isinstance(value, list):
        return [_clean_value(item, found) for item in value]
    if isinstance(value, URLWrapper):
        name = _clean_value(value.name, found)
        if name != value.name:
            value.name = name
    return value


def clean_content_object(content: Content) -> Found:
    """Clean a content object read by a reader other than Markdown's: its HTML and every metadata
    value. Returns what was found, with line numbers from the source file."""
    found: Counter[str] = Counter()
    content._content, counts = clean_text(content._content or "", "<br>")
    found.update(counts)
    for key, value in list(content.metadata.items()):
        cleaned = _clean_value(value, found)
        if cleaned is not value:
            content.metadata[key] = cleaned
            if key == "summary":
                content._summary = cleaned
            elif key in vars(content):
                setattr(content, key, cleaned)
    if not found:
        return ()
    return lines_with_forbidden_characters(content.source_path) or ((0, dict(found)),)


def lines_with_forbidden_characters(path: str) -> Found:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return ()
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        _, counts = clean_text(line)
        if counts:
            found.append((number, dict(counts)))
    return tuple(found)


def warn(relative_path: str, found: Found) -> None:
    numbers: Iterable[str] = (str(number) if number else "?" for number, _ in found[:LINES_NAMED])
    lines = ", ".join(numbers) + (", …" if len(found) > LINES_NAMED else "")
    total: Counter[str] = Counter()
    for _, counts in found:
        total.update(counts)
    logger.warning(WARNING, relative_path, lines, describe(total))
