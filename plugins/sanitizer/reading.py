"""Every story's HTML cleaned as it is read, so pages, feeds, search and the WeChat/Weibo outputs all
get the cleaned HTML.

For Markdown the cleaning is the last postprocessor of Python-Markdown, so it runs in fastbuild's
reading processes and its result is kept in the reader cache. It runs on the story and on its
`Summary:` (Pelican converts that with the same Markdown instance). What it removed travels with the
reader's output as metadata (`REMOVED_KEY`), and the warning naming the file is logged in the main
process on every build until the file is fixed. Content from other readers is cleaned on the content
object instead.
"""

import logging
import re
from collections import Counter
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from pelican.contents import Content

from .allowlist import STORY, removals

logger = logging.getLogger(__name__)

REMOVED_KEY = "sanitizer_removed"  # metadata: a Counter of labels ("<script>": 1, "javascript: link": 1)
# One format string for every file, so plugins/buildlog counts them as one kind.
WARNING = (
    "稿件 %s 含有网页上不允许的代码（%s），已从网站去掉；稿件只发布普通文字、链接、本站图片、列表、表格、"
    "代码和脚注：请在文件里删掉它。(markup a story may not carry was removed; delete it in the file)"
)
_STORY_CLEANER = STORY.cleaner()
# An image whose address was removed shows nothing and is invalid HTML: it goes whole. nh3's output
# quotes every attribute, so no ">" inside a value can end the match early.
_IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?:\s+[a-z-]+="[^"]*")*\s*>')


def _without_empty_images(html: str) -> str:
    def keep_if_sourced(match: re.Match[str]) -> str:
        return match.group(0) if ' src="' in match.group(0) else ""

    return _IMAGE_WITHOUT_SOURCE.sub(keep_if_sourced, html)


def clean_story_html(html: str, found: Counter[str]) -> str:
    """The story HTML with only what the allow-list keeps; adds what was removed to `found`."""
    found.update(removals(html))
    return _without_empty_images(_STORY_CLEANER.clean(html))


class _CleanHtml(Postprocessor):
    def run(self, text: str) -> str:
        found = vars(self.md).setdefault("sanitizer_removed", Counter())
        meta = getattr(self.md, "Meta", None)
        if isinstance(meta, dict) and REMOVED_KEY not in meta and "sanitizer_recorded" not in vars(self.md):
            # Recorded once, on the story's conversion; the Summary's conversion (later, with a new
            # Meta) adds to the same Counter, which Pelican reads after it.
            meta[REMOVED_KEY] = [found]
            self.md.sanitizer_recorded = True
        return clean_story_html(text, found)


class CleanStoryHtml(Extension):
    """Python-Markdown extension: after every other postprocessor (raw HTML comes back at 30)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.postprocessors.register(_CleanHtml(md), "sanitizer_clean", 0)


def add_to_markdown(settings: dict[str, Any]) -> None:
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = markdown.setdefault("extensions", [])
    if not any(isinstance(extension, CleanStoryHtml) for extension in extensions):
        extensions.append(CleanStoryHtml())


def clean_content_object(content: Content) -> Counter[str]:
    """Clean a story read by a reader other than Markdown's; returns what was removed."""
    found: Counter[str] = Counter()
    content._content = clean_story_html(content._content or "", found)
    if isinstance(content.metadata.get("summary"), str):
        content._summary = clean_story_html(content.metadata["summary"], found)
        content.metadata["summary"] = content._summary
    return found


def describe(found: Counter[str]) -> str:
    """ "<script> ×2, javascript: link" in a stable order."""
    return ", ".join(label if count == 1 else f"{label} ×{count}" for label, count in sorted(found.items()))


def warn(relative_path: str, found: Counter[str]) -> None:
    logger.warning(WARNING, relative_path, describe(found))
