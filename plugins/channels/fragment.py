"""WeChat official account (微信公众号): the paste-ready HTML fragment of a story.

The 公众号 editor keeps only inline styles and throws away list semantics, classes, ids and anything
that moves elements, so the fragment is rebuilt from the article HTML: explicit styles on every
element, literal list markers, captioned figures, and links turned into numbered references
(only links to other 公众号 articles survive as links there). Images are the large JPEGs of the photo
store (plugins/photos) that the feed model puts in the article HTML, a width the editor takes as it is.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .model import FeedItem

WECHAT_HOST = "mp.weixin.qq.com"

ROOT_STYLE = "font-size:16px;line-height:1.75;color:#333333;letter-spacing:0.5px;"
STYLES = {
    "p": "margin:0 0 1em 0;",
    "h2": "margin:1.2em 0 0.6em 0;font-size:18px;font-weight:bold;",
    "h3": "margin:1em 0 0.5em 0;font-size:17px;font-weight:bold;",
    "h4": "margin:1em 0 0.5em 0;font-size:16px;font-weight:bold;",
    "h5": "margin:1em 0 0.5em 0;font-size:16px;font-weight:bold;",
    "h6": "margin:1em 0 0.5em 0;font-size:16px;font-weight:bold;",
    "blockquote": "margin:0 0 1em 0;padding:0.5em 1em;border-left:4px solid #c8102e;"
    "background:#f7f7f7;color:#555555;",
    "section": "margin:0 0 1em 0;",
    "figure": "margin:1em 0;text-align:center;",
    "figcaption": "margin:0.4em 0 0 0;font-size:14px;color:#888888;text-align:center;",
    "img": "max-width:100%;height:auto;display:block;margin:0 auto;",
    "table": "border-collapse:collapse;width:100%;margin:0 0 1em 0;font-size:14px;",
    "th": "border:1px solid #cccccc;padding:4px 8px;background:#f2f2f2;font-weight:bold;text-align:left;",
    "td": "border:1px solid #cccccc;padding:4px 8px;",
    "pre": "margin:0 0 1em 0;padding:0.8em 1em;background:#f6f8fa;border:1px solid #e1e4e8;"
    "font-family:Menlo,Consolas,monospace;font-size:13px;line-height:1.5;white-space:pre-wrap;"
    "word-break:break-all;",
    "code": "padding:0 0.2em;background:#f6f8fa;font-family:Menlo,Consolas,monospace;font-size:14px;",
    "a": "color:#576b95;text-decoration:none;",
    "sup": "font-size:12px;color:#888888;",
    "hr": "margin:1.5em 0;border:0;border-top:1px solid #dddddd;",
    "strong": "font-weight:bold;",
    "b": "font-weight:bold;",
    "em": "font-style:italic;",
    "i": "font-style:italic;",
    "dt": "font-weight:bold;",
    "dd": "margin:0 0 0.5em 2em;",
}
LIST_INDENT_EM = 1.5
REFERENCES_HEADING = "引用链接"
REFERENCE_STYLE = "margin:0 0 0.3em 0;font-size:12px;color:#888888;word-break:break-all;"
REFERENCES_HEADING_STYLE = "margin:1.5em 0 0.5em 0;font-size:14px;font-weight:bold;color:#888888;"
# Elements whose content must not reach the editor at all.
REMOVED_TAGS = (
    "script", "style", "noscript", "iframe", "object", "embed", "form", "input", "button",
    "select", "textarea", "link", "meta", "svg", "video", "audio", "template",
)  # fmt: skip
# Elements that mean nothing once classes are gone: their content stays.
UNWRAPPED_TAGS = ("span", "font", "abbr", "small", "big", "u", "ins", "mark", "picture", "source")
BLOCK_TAGS = frozenset(
    ("p", "section", "figure", "pre", "table", "blockquote", "hr", "dl", "ul", "ol",
     "h1", "h2", "h3", "h4", "h5", "h6")
)  # fmt: skip
# Read by the conversions below; anything else (class, id, style from the source…) is dropped first.
INPUT_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
OUTPUT_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
CELL_ALIGN = re.compile(r"text-align:\s*(left|right|center)")


def is_wechat_link(href: str) -> bool:
    parts = urlsplit(href)
    return parts.scheme in ("http", "https") and parts.hostname == WECHAT_HOST


def _bare_address(value: str) -> str:
    value = value.strip().removeprefix("mailto:")
    return re.sub(r"^https?://", "", value).rstrip("/")


def _styled(soup: BeautifulSoup, name: str, style: str | None = None) -> Tag:
    return soup.new_tag(name, attrs={"style": style if style is not None else STYLES[name]})


def _clean(soup: BeautifulSoup) -> None:
    """Drop what the editor cannot keep, and restyle every element from STYLES."""
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    for backref in soup.select("a.footnote-backref"):  # "↩" links back to a footnote mark
        backref.decompose()
    for element in soup.find_all(REMOVED_TAGS):
        element.decompose()
    for element in soup.find_all(UNWRAPPED_TAGS):
        element.unwrap()
    for element in soup.find_all(True):
        if element.name == "div":
            element.name = "section"
        elif element.name == "h1":
            element.name = "h2"  # the post's title is the only top-level heading in WeChat too
        # A Markdown table column's alignment is the one incoming style worth keeping.
        align = CELL_ALIGN.search(str(element.get("style", ""))) if element.name in ("th", "td") else None
        kept = INPUT_ATTRIBUTES.get(element.name, set())
        element.attrs = {name: value for name, value in element.attrs.items() if name in kept}
        if element.name in STYLES:
            element["style"] = STYLES[element.name] + (f"text-align:{align.group(1)};" if align else "")


def _convert_code(soup: BeautifulSoup) -> None:
    """Code blocks become one styled <pre> of plain text (highlighting spans need classes)."""
    for pre in soup.find_all("pre"):
        code_text = pre.get_text()
        pre.clear()
        pre.append(NavigableString(code_text))
        wrapper = pre.parent
        # Pygments wraps the block in a div, now a section, that would only add a second margin.
        if wrapper is not None and wrapper.name == "section" and wrapper.find_all(True) == [pre]:
            wrapper.unwrap()


def _figure_for(soup: BeautifulSoup, image: Tag, caption: str) -> Tag:
    figure = _styled(soup, "figure")
    new_image = _styled(soup, "img")
    new_image["src"] = image["src"]
    new_image["alt"] = image.get("alt", "")
    figure.append(new_image)
    if caption:
        figcaption = _styled(soup, "figcaption")
        figcaption.string = caption
        figure.append(figcaption)
    return figure


def _convert_images(soup: BeautifulSoup) -> None:
    """Every image becomes a block <figure> with a caption from its title or alt text.

    Images are taken last to first so that several images lifted out of one paragraph keep
    their order when each is placed right after it.
    """
    for image in reversed(soup.find_all("img")):
        if not image.get("src"):
            image.decompose()
            continue
        for link in image.find_parents("a"):
            link.unwrap()  # an image link would only turn into a stray reference number
        figure = image.find_parent("figure")
        if figure is not None:
            existing = figure.find("figcaption")
            caption = existing.get_text(" ", strip=True) if existing else ""
        else:
            caption = ""
        caption = caption or (image.get("title") or image.get("alt") or "").strip()
        replacement = _figure_for(soup, image, caption)
        if figure is not None:
            figure.replace_with(replacement)
            continue
        paragraph = image.find_parent("p")
        if paragraph is None:
            image.replace_with(replacement)
            continue
        image.extract()
        if paragraph.get_text(strip=True) or paragraph.find(True):
            paragraph.insert_after(replacement)
        else:
            paragraph.replace_with(replacement)


def _convert_links(soup: BeautifulSoup) -> list[tuple[int, str, str]]:
    """Turn links into text; returns the references (number, title, URL), one per distinct URL."""
    numbers: dict[str, int] = {}
    titles: dict[str, str] = {}
    for link in soup.find_all("a"):
        href = (link.get("href") or "").strip()
        text = link.get_text(" ", strip=True)
        if is_wechat_link(href):
            link.attrs = {"href": href, "style": STYLES["a"]}
        elif not href or href.startswith("#"):
            link.unwrap()  # in-page anchors mean nothing without ids
        elif not text:
            link.replace_with(NavigableString(_bare_address(href) if href.startswith("mailto:") else href))
        elif _bare_address(text) == _bare_address(href):
            link.unwrap()  # the address is already there as text; a footnote would only repeat it
        else:
            number = numbers.setdefault(href, len(numbers) + 1)
            titles.setdefault(href, (link.get("title") or "").strip() or text)
            mark = _styled(soup, "sup")
            mark.string = f"[{number}]"
            link.insert_after(mark)
            link.unwrap()
    return [(number, titles[href], href) for href, number in numbers.items()]


def _strip_trailing_space(paragraph: Tag) -> None:
    """Drop the line breaks the list markup left at the end of an item's text."""
    while paragraph.contents and isinstance(last := paragraph.contents[-1], NavigableString):
        if last.rstrip():
            last.replace_with(NavigableString(last.rstrip()))
            return
        last.extract()


def _list_blocks(soup: BeautifulSoup, list_tag: Tag, depth: int) -> list[Tag]:
    """Paragraphs for one list, with literal markers; nested lists follow their item, indented."""
    ordered = list_tag.name == "ol"
    try:
        start = int(list_tag.get("start") or 1)
    except ValueError:
        start = 1
    indent = f"margin:0 0 0.5em {depth * LIST_INDENT_EM:g}em;"
    blocks: list[Tag] = []
    for index, item in enumerate(list_tag.find_all("li", recursive=False)):
        paragraph = _styled(soup, "p", indent)
        paragraph.append(f"{start + index}. " if ordered else "• ")
        following: list[Tag] = []
        for child in list(item.children):
            if isinstance(child, Tag) and child.name in ("ul", "ol"):
                following.extend(_list_blocks(soup, child, depth + 1))
            elif isinstance(child, Tag) and child.name == "p":
                if len(paragraph.contents) == 1 and not following:
                    paragraph.extend(list(child.contents))  # a loose list's first paragraph
                else:
                    child["style"] = f"margin:0 0 0.5em {(depth + 1) * LIST_INDENT_EM:g}em;"
                    following.append(child.extract())
            elif isinstance(child, Tag) and child.name in BLOCK_TAGS:
                following.append(child.extract())
            elif not (len(paragraph.contents) == 1 and isinstance(child, str) and not child.strip()):
                paragraph.append(child.extract())
        _strip_trailing_space(paragraph)
        blocks.append(paragraph)
        blocks.extend(following)
    return blocks


def _convert_lists(soup: BeautifulSoup) -> None:
    for list_tag in soup.find_all(("ul", "ol")):
        if list_tag.find_parent(("ul", "ol")) is not None:
            continue  # rendered with its outermost list
        section = _styled(soup, "section")
        section.extend(_list_blocks(soup, list_tag, 0))
        list_tag.replace_with(section)


def _references(soup: BeautifulSoup, references: list[tuple[int, str, str]]) -> Tag:
    section = _styled(soup, "section")
    heading = _styled(soup, "p", REFERENCES_HEADING_STYLE)
    heading.string = REFERENCES_HEADING
    section.append(heading)
    for number, title, url in references:
        line = _styled(soup, "p", REFERENCE_STYLE)
        line.string = f"[{number}] {title}: {url}"
        section.append(line)
    return section


def wechat_fragment_from_html(html: str) -> str:
    """The paste-ready fragment for article HTML whose link and image addresses are absolute."""
    soup = BeautifulSoup(html, "html.parser")
    _clean(soup)
    _convert_code(soup)
    _convert_images(soup)
    references = _convert_links(soup)
    _convert_lists(soup)
    for element in soup.find_all(True):  # the attributes only the conversions needed
        kept = OUTPUT_ATTRIBUTES.get(element.name, set()) | {"style"}
        element.attrs = {name: value for name, value in element.attrs.items() if name in kept}
    root = _styled(soup, "section", ROOT_STYLE)
    root.extend(list(soup.contents))
    if references:
        root.append(_references(soup, references))
    return str(root)


def wechat_fragment(item: FeedItem) -> str:
    """The paste-ready fragment for one article (see the module docstring for the rules)."""
    return wechat_fragment_from_html(item.content_html)
