"""A story's HTML made ready for Markdown: mail clients' markup turned into paragraphs, the site's
allow-list applied, the greeting, quoted replies and signature cut, personal data masked, and the
Markdown written so that text stays text.
"""

import html
import re
from collections.abc import Collection
from urllib.parse import quote

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import (
    MarkdownConverter,
    re_escape_misc_dash_sequences,
    re_escape_misc_hashes,
    re_escape_misc_list_items,
)

from . import privacy, sanitize

# A greeting line opening the mail ("各位老师好：") is not part of the story.
GREETING = re.compile(
    r"^\s*(?:尊敬的)?(?:[\u4e00-\u9fff]{0,8}?(?:老师|编辑|领导|同志|各位|大家)们?(?:您|你)?|(?:您|你)们?)"
    r"好[！!，,：:。]?\s*$"
)
# Lines from which the rest of the mail is a quoted reply or a signature.
CUT_MARKERS = re.compile(
    r"^(?:-{2,}\s*原始邮件\s*-{2,}"
    r"|-{3,}\s*Original Message\s*-{3,}"
    r"|_{20,}"
    # A client's reply header names a date or an address; "队长李明写道：" inside a story does not.
    r"|在(?=.{0,80}[0-9@]).{0,80}写道\s*[:：]"
    r"|On .{0,200} wrote:"
    r"|--"
    r"|(?:发自|来自|从)我的.{0,20}"
    r"|Sent from my .{0,30}"
    r"|发自.{0,12}(?:邮箱|客户端|邮箱大师))$",
    re.IGNORECASE,
)


def is_cut_marker(line: str) -> bool:
    return bool(CUT_MARKERS.match(line.strip()))


def cut_quoted_html(soup: BeautifulSoup) -> str:
    """Drop the opening greeting, quoted lines, and everything from the first quoted-reply or signature
    marker on; return a note for the editor when story text may have gone with them, else ""."""
    before = len(soup.get_text())
    first = next((text for text in soup.find_all(string=True) if text.strip()), None)
    if first is not None and GREETING.match(first):
        first.extract()
    marker = ""
    for text in soup.find_all(string=True):
        if text.strip().startswith(">"):  # a quoted line, as plain-text replies write them
            marker = marker or text.strip()
            text.extract()
        elif is_cut_marker(text):
            marker = text.strip()
            node = text
            while node is not None and node is not soup:
                for sibling in list(node.next_siblings):
                    sibling.extract()
                node = node.parent
            text.extract()
            break
    if not marker:
        return ""
    return (
        f"从“{marker[:20]}”起删去 {before - len(soup.get_text())} 字（引用的回信或签名），"
        "请核对原邮件，确认没有删掉正文"
    )


class StoryMarkdown(MarkdownConverter):
    """markdownify with an escape that keeps text as text.

    Text such as "&lt;script&gt;" arrives as "<script>": written back raw it would be live markup in
    Markdown, so &, < and > stay entities, and Markdown's own syntax characters are escaped."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        if not text:
            return ""
        text = html.escape(text, quote=False)
        text = re.sub(r"([\\`*_\[\]|])", r"\\\1", text)
        text = re_escape_misc_dash_sequences.sub(r"\1\\\2", text)
        text = re_escape_misc_hashes.sub(r"\1\\\2", text)
        return re_escape_misc_list_items.sub(r"\1\\\2", text)

    # Link targets, titles and alt text come from the sender: written as they are, a ")" or "]" in
    # them would end the Markdown link early and start new markup (a remote tracking image, say).
    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.get("href"):
            el["href"] = _markdown_url(str(el["href"]))
        el.attrs.pop("title", None)
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        el["src"] = _markdown_url(str(el.get("src") or ""))
        el["alt"] = re.sub(r"([\\\[\]])", r"\\\1", " ".join(str(el.get("alt") or "").split()))
        el.attrs.pop("title", None)
        return super().convert_img(el, text, parent_tags)

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # A fence longer than any backtick run inside, so the code cannot close it and go live.
        longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}\n{text.strip(chr(10))}\n{fence}\n\n" if text else ""


def _markdown_url(url: str) -> str:
    """Percent-encode what would end or reshape a Markdown link target."""
    return re.sub(r"[\s()<>\[\]\\`\"']", lambda match: quote(match.group(0)), url)


# Mail clients (QQ Mail, Foxmail, Outlook) write one <div> per paragraph, and Word headings arrive
# as <h1>; the sanitizer drops both tags but keeps their text, so without this the paragraphs run
# into each other. A div that holds only inline content is a paragraph; one that holds blocks is a
# wrapper. The story's own title is the page's h1, so headings start at h2.
BLOCKS = {"p", "div", "table", "ul", "ol", "blockquote", "pre", "figure", "h1", "h2", "h3", "h4", "h5", "h6"}


_HEADING_LEVELS = {"h1": "h2", "h5": "h4", "h6": "h4"}


def paragraphs_from_mail_markup(fragment: str) -> str:
    """Turn mail clients' paragraph divs into <p> and fit headings under the story title."""
    soup = BeautifulSoup(fragment, "html.parser")
    for heading in soup.find_all(list(_HEADING_LEVELS)):
        heading.name = _HEADING_LEVELS[heading.name]
    for div in reversed(soup.find_all("div")):  # innermost first
        if div.find(BLOCKS):
            div.unwrap()
        else:
            div.name = "p"
    return str(soup)


def clean_story_html(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(sanitize.clean_html(paragraphs_from_mail_markup(fragment)), "html.parser")


def visible_text(fragment: str) -> str:
    soup = clean_story_html(fragment)
    cut_quoted_html(soup)
    return soup.get_text("\n")


def mask_soup(soup: BeautifulSoup, public_emails: Collection[str], maskings: list) -> None:
    for text in list(soup.find_all(string=True)):
        masked, found = privacy.mask_personal_data(str(text), public_emails)
        if found:
            maskings.extend(found)
            text.replace_with(NavigableString(masked))
    for tag in soup.find_all(True):
        for attribute in ("href", "title", "alt"):
            if tag.get(attribute):
                masked, found = privacy.mask_personal_data(str(tag[attribute]), public_emails)
                maskings.extend(found)
                tag[attribute] = masked
