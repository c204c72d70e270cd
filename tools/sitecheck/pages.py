"""One HTML page (or one feed item's HTML): every address it uses, and anything active in it.

A reference is checked by what it is: inside a story's text (`.story__body` on a page, every feed
item's content) a link may go to another host; nothing else may. A script is the theme's when it is
one of the theme's own files, the text of a `<script>` in the theme's templates or of a script they
carry (templates/*.js).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml.etree import ParserError

from .links import Site
from .report import Problem

# Attributes that hold an address, per element.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
    "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",), "embed": ("src",),
    "object": ("data",), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "form": ("action",), "button": ("formaction",), "input": ("formaction", "src"),
    "blockquote": ("cite",), "q": ("cite",), "del": ("cite",), "ins": ("cite",),
}  # fmt: skip
# Links a reader follows (may leave the site inside story text); everything else is loaded by the page.
FOLLOWED = frozenset({("a", "href"), ("area", "href"), ("blockquote", "cite"), ("q", "cite"), ("del", "cite"),
                      ("ins", "cite")})  # fmt: skip
EMBEDDING = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet"})
# Script types that are data, never run (structured data for search engines).
DATA_SCRIPTS = frozenset({"application/ld+json", "application/json"})
STORY_TEXT_CLASS = "story__body"
THEME_FILES = "theme/"  # where the theme's own files are in the built site (THEME_STATIC_DIR)
_SPACE = re.compile(r"\s+")
_TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_META_ADDRESS = ("og:url", "og:image", "og:image:url", "og:image:secure_url", "twitter:image")


def theme_scripts(templates: Path) -> frozenset[str]:
    """The text of every inline `<script>` in the theme's templates and of every script the
    templates carry into a page (templates/*.js, such as the search page's), whitespace collapsed."""
    carried = templates.rglob("*.js")
    found = {_SPACE.sub(" ", script.read_text(encoding="utf-8")).strip() for script in carried}
    for template in templates.rglob("*.html"):
        for body in _TEMPLATE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            found.add(_SPACE.sub(" ", body).strip())
    return frozenset(found)


@dataclass
class PageReport:
    page: str
    ids: frozenset[str] = frozenset()
    # What the file's bytes alone show (the same wherever the other files are).
    problems: list[Problem] = field(default_factory=list)
    # Addresses of this site it uses: (address as written, how to name it, the feed item it is in or
    # ""), resolved by `resolve_links`.
    links: list[tuple[str, str, str]] = field(default_factory=list)
    # Found by `resolve_links`: addresses that lead to no file or to no place in this page.
    link_problems: list[Problem] = field(default_factory=list)
    # Links to a place in another page: (target file, fragment, address as written, feed item or ""),
    # checked once every page's ids are known.
    places: list[tuple[str, str, str, str]] = field(default_factory=list)


def _addresses(element: lxml.html.HtmlElement) -> Iterator[tuple[str, str]]:
    tag = element.tag
    for attribute in URL_ATTRIBUTES.get(tag, ()):
        value = element.get(attribute)
        if value is None:
            continue
        if attribute == "srcset":
            for candidate in value.split(","):
                if candidate.strip():
                    yield attribute, candidate.split()[0]
        else:
            yield attribute, value
    if tag == "meta" and (element.get("property") or element.get("name") or "") in _META_ADDRESS:
        yield "content", element.get("content") or ""


def check_tree(
    site: Site, page: str, root: lxml.html.HtmlElement, report: PageReport, scripts: frozenset[str],
    story_text: bool,
) -> None:  # fmt: skip
    """Check every element under `root`; `story_text` when all of it is a story's text (a feed item)."""
    story_links = set()
    if not story_text:
        for body in root.find_class(STORY_TEXT_CLASS):
            story_links.update(body.iter("a", "area", "blockquote", "q", "del", "ins"))
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        if tag in EMBEDDING:
            report.problems.append(Problem("active", page, f"an embedded <{tag}> ({_short(element)})"))
        for name in element.attrib:
            if name.startswith("on"):
                report.problems.append(Problem("active", page, f"an event handler {name}= on <{tag}>"))
        if tag == "script":
            _check_script(site, page, element, report, scripts)
        for attribute, url in _addresses(element):
            _check_address(site, page, tag, attribute, url, report,
                           story_text or element in story_links)  # fmt: skip


def _check_script(
    site: Site, page: str, element: lxml.html.HtmlElement, report: PageReport, scripts: frozenset[str]
) -> None:
    if (element.get("type") or "").strip().lower() in DATA_SCRIPTS:
        return
    source = element.get("src")
    if source is None:
        if _SPACE.sub(" ", element.text or "").strip() not in scripts:
            report.problems.append(
                Problem("active", page, f"an inline script the theme does not have ({_short(element)})")
            )
        return
    target = site.target(page, source)
    if target.kind != "site" or not target.path.startswith(THEME_FILES):
        report.problems.append(
            Problem("active", page, f"a script that is not one of the theme's files: {source}")
        )


def _check_address(
    site: Site, page: str, tag: str, attribute: str, url: str, report: PageReport, in_story: bool
) -> None:
    target = site.target(page, url)
    if target.kind == "active":
        report.problems.append(
            Problem("active", page, f"a javascript: address in <{tag} {attribute}>: {url[:80]}")
        )
    elif target.kind == "other-host":
        if not (in_story and (tag, attribute) in FOLLOWED):
            report.problems.append(
                Problem("host", page, f"<{tag} {attribute}> uses {target.host}: {url[:120]}")
            )
    elif target.kind == "site":
        report.links.append((url, f'<{tag} {attribute}="{url[:120]}">', ""))


def resolve_links(site: Site, report: PageReport) -> None:
    """Check that each address of this site in `report.links` leads to a file, and a place (#…) in
    this page to one of its ids; places in other pages go to `report.places`."""
    page = report.page
    for url, named, item in report.links:
        target = site.target(page, url)
        file = site.file(target.path)
        if file is None:
            report.link_problems.append(Problem("link", page, f"{named} leads to no file", item))
        elif target.fragment and file.endswith(".html"):
            if file != page:
                report.places.append((file, target.fragment, url, item))
            elif target.fragment not in report.ids:
                where = f'"{url[:120]}": no id="{target.fragment}" here'
                report.link_problems.append(Problem("anchor", page, where, item))


def _short(element: lxml.html.HtmlElement) -> str:
    text = lxml.html.tostring(element, encoding="unicode", with_tail=False)
    return _SPACE.sub(" ", text)[:80]


def ids_of(root: lxml.html.HtmlElement) -> frozenset[str]:
    ids = {element.get("id") for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    ids.update(element.get("name") for element in root.iter("a") if element.get("name"))
    return frozenset(ids)


def check_page(site: Site, page: str, scripts: frozenset[str]) -> PageReport:
    """Check one HTML file of the site (`page` relative to the site's folder)."""
    report = PageReport(page)
    data = (site.root / page).read_bytes()
    if not data.strip():
        report.problems.append(Problem("html", page, "the file is empty"))
        return report
    try:
        root = lxml.html.document_fromstring(data)
    except (ParserError, ValueError) as error:
        report.problems.append(Problem("html", page, f"cannot be read as HTML: {error}"))
        return report
    report.ids = ids_of(root)
    check_tree(site, page, root, report, scripts, story_text=False)
    return report


def check_story_html(site: Site, where: str, html: str, report: PageReport) -> None:
    """Check a feed item's HTML: all of it is story text."""
    if not html.strip():
        return
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError) as error:
        report.problems.append(Problem("feed", where, f"an item's HTML cannot be read: {error}"))
        return
    check_tree(site, where, root, report, frozenset(), story_text=True)
