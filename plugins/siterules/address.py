"""The site's public address, and which addresses name no host at all."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

# The preview `make serve` gives; only where an absolute address is needed and none is set.
LOCAL_SITEURL = "http://localhost:8000"
# Schemes whose addresses lead to no web host: nothing to fetch, check or make absolute.
NO_HOST_SCHEMES = frozenset({"mailto", "tel", "sms", "data"})


def is_public_address(url: str) -> bool:
    """Whether `url` is an absolute http(s) address with a host, as a public build's SITEURL must be."""
    return url.startswith(("https://", "http://")) and bool(urlsplit(url).hostname)


def public_siteurl(settings: Mapping[str, Any]) -> str:
    """The site's absolute address, without a final "/": SITEURL in a public build (local builds have a
    relative one), else PUBLIC_SITEURL, so what an editor copies from a local build carries the public
    address; "" when neither is absolute."""
    for name in ("SITEURL", "PUBLIC_SITEURL"):
        url = str(settings.get(name) or "").rstrip("/")
        if is_public_address(url):
            return url
    return ""


def absolute_siteurl(settings: Mapping[str, Any]) -> str:
    """public_siteurl, or the local preview's address where an output cannot do without one (feeds)."""
    return public_siteurl(settings) or LOCAL_SITEURL
