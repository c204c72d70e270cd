"""OPML 2.0 list of every feed the site publishes, grouped as on the 订阅 page."""

from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from siterules.address import absolute_siteurl

from .feedcache import write_if_changed
from .links import FeedCatalogue


def render_opml(catalogue: FeedCatalogue, settings: dict[str, Any]) -> bytes:
    base = absolute_siteurl(settings)
    sitename = settings.get("SITENAME", "")
    opml = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(opml, "head")
    ElementTree.SubElement(head, "title").text = f"{sitename} · 全部订阅源"
    ElementTree.SubElement(head, "ownerName").text = settings.get("SITE_OWNER") or sitename
    body = ElementTree.SubElement(opml, "body")
    for section in catalogue.sections():
        folder = ElementTree.SubElement(body, "outline", text=section.label, title=section.label)
        for group in section.groups:
            # OPML knows only RSS-style outlines; a reader would try the JSON Feed as XML and fail.
            for link in (link for link in group.links if link.format != "json"):
                ElementTree.SubElement(
                    folder,
                    "outline",
                    type="rss",
                    text=link.title,
                    title=f"{sitename} · {link.title}",
                    xmlUrl=f"{base}/{link.path}",
                    htmlUrl=f"{base}/{group.page_path}",
                    description=group.carries,
                )
    ElementTree.indent(opml)
    return ElementTree.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"


def write_opml(catalogue: FeedCatalogue, settings: dict[str, Any], output_dir: Path) -> None:
    write_if_changed(output_dir, catalogue.opml.path, render_opml(catalogue, settings))
