"""Accessibility checks on rendered content that an editor can fix in the source file."""

import re

import lxml.html

IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
# An alt attribute with some text in it, as Markdown writes it.
PLAIN_ALT = re.compile(r"""\salt=(?:"[^"]*[^"\s][^"]*"|'[^']*[^'\s][^']*')""", re.IGNORECASE)


def images_without_alt(html: str) -> list[str]:
    """The `src` of every content image whose alt text is missing or blank."""
    # This runs on every story on every build: a story whose images all plainly carry alt text is
    # not parsed at all; any other is parsed, so the answer is the HTML parser's.
    tags = IMAGE_TAG.findall(html)
    if all(PLAIN_ALT.search(tag) for tag in tags):
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [img.get("src", "") for img in root.iter("img") if not (img.get("alt") or "").strip()]


# One format string for every image, so the build log counts them as one kind (plugins/buildlog).
MISSING_ALT = (
    "稿件 %s 的图片 %s 没有说明文字：请写在 ![说明文字](…) 的方括号里，读屏软件才能读给看不见的读者。"
    "(image has no alt text)"
)
