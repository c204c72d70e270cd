"""The text a reader sees in a Markdown story, line by line, for checking words.

Markup is taken out (emphasis, HTML tags, link and image addresses, escapes), so a word split by
emphasis (扫黑**险**恶) reads as one; code (fenced blocks, `<pre>`, inline code) and addresses (in
links, images, reference definitions and bare URLs) are left out entirely. Each line of the source
gives one line of text, so a hit is named by its source line. In the front matter only the fields
readers see are kept.
"""

import re
from collections.abc import Iterable

_META_LINE = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):[ \t]*(.*)$")
_META_CONTINUATION = re.compile(r"^[ ]{4,}(.*)$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_REFERENCE_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]]+\]:\s")
_PRE_START = re.compile(r"<pre[\s>]", re.IGNORECASE)
_PRE_END = re.compile(r"</pre\s*>", re.IGNORECASE)
_INLINE_SKIPPED = re.compile(
    r"(`+).*?\1"  # inline code
    r"|<code[\s>].*?</code\s*>"  # HTML code
    r"|<(?:https?:|mailto:|www\.)[^>]*>"  # autolinks
    r"|<[^>]*>"  # other tags: their attributes (href, src) are not text
    r"|\]\([^)]*\)"  # a link's or image's address and title, after its text
    r"|(?:https?://|ftp://|www\.)\S+"  # bare addresses
    r"|\{(?:static|filename|attach|tag|category|index|author)\}\S*",
    re.IGNORECASE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)")
# A line with none of these is its own text (most lines of a Chinese story): no substitution needed.
_ANY_MARKUP = re.compile(r"[`<\]\\{*_~\[]|://|www\.", re.IGNORECASE)
_MARKUP_CHARACTERS = str.maketrans("", "", "*_~[]")


def inline_text(line: str) -> str:
    """One line of Markdown as a reader sees it, without code and addresses."""
    text = _INLINE_SKIPPED.sub("", line)
    # Escaped characters are text: keep them, but out of the way of the markup removal.
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return "\0"

    text = _ESCAPE.sub(hold, text).translate(_MARKUP_CHARACTERS)
    pieces = iter(escaped)
    return re.sub("\0", lambda _: next(pieces), text)


def markdown_lines(lines: Iterable[str], fields: Iterable[str]) -> list[str]:
    """The checked text of every line of a Markdown file (an empty string for a line with none).

    `fields` are the front-matter keys (lower case) whose values readers see."""
    checked_fields = {field.lower() for field in fields}
    texts: list[str] = []
    in_front_matter = True
    current_field = ""
    fence = ""
    in_pre = False
    for number, line in enumerate(lines):
        if in_front_matter:
            if number == 0 and line.strip() == "---":
                texts.append("")
                continue
            meta = _META_LINE.match(line)
            continuation = _META_CONTINUATION.match(line) if number and current_field else None
            if meta:
                current_field = meta.group(1).lower()
                texts.append(inline_text(meta.group(2)) if current_field in checked_fields else "")
                continue
            if continuation:
                texts.append(inline_text(continuation.group(1)) if current_field in checked_fields else "")
                continue
            in_front_matter = False
            if not line.strip() or line.strip() == "---":
                texts.append("")
                continue
        if not (fence or in_pre or _ANY_MARKUP.search(line)):
            texts.append(line)  # plain text: cannot open a fence, a <pre> or a definition either
            continue
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            texts.append("")
            continue
        if opening:
            fence = opening.group(1)
            texts.append("")
            continue
        if in_pre or _PRE_START.search(line):
            in_pre = not _PRE_END.search(line)
            texts.append("")
            continue
        texts.append("" if _REFERENCE_DEFINITION.match(line) else inline_text(line))
    return texts
