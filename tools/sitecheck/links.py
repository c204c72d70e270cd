"""Where an address in a built site leads: a file of the site (and a place in it), another host, or
nowhere that needs checking."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from sanitizer.allowlist import network_path, scheme

# Addresses that lead to no host: mail, phone, inline data.
_NO_HOST = frozenset({"mailto", "tel", "sms", "data"})
ACTIVE_SCHEMES = frozenset({"javascript", "vbscript", "livescript"})
_PAGE_ROOT = "http://site.invalid/"


@dataclass(frozen=True)
class Target:
    kind: str  # "site" (a file of the site), "other-host", "active" (javascript:), "none" (mailto:, #)
    path: str = ""  # for "site": the site-relative path as written, without query or fragment
    fragment: str = ""
    host: str = ""  # for "other-host"


@dataclass
class Site:
    """A built site's folder and the absolute addresses that mean this site (PUBLIC_SITEURL, SITEURL)."""

    root: Path
    addresses: tuple[str, ...] = ()
    _files: dict[str, str | None] = field(default_factory=dict, repr=False)

    def target(self, page: str, url: str) -> Target:
        """Where `url`, found in the file `page` (site-relative), leads."""
        url = url.strip()
        if not url:
            return Target("none")
        kind = scheme(url)
        if kind in ACTIVE_SCHEMES:
            return Target("active")
        if kind in _NO_HOST:
            return Target("none")
        if kind or network_path(url):
            absolute = url if kind else "https:" + url.replace("\\", "/")
            own = self._own_path(absolute)
            if own is None:
                return Target("other-host", host=urlsplit(absolute).hostname or absolute.split("/", 1)[0])
            joined = urljoin(_PAGE_ROOT, own)
        else:
            joined = urljoin(_PAGE_ROOT + page, url)
        parts = urlsplit(joined)
        return Target("site", unquote(parts.path).lstrip("/"), unquote(parts.fragment))

    def _own_path(self, absolute: str) -> str | None:
        """The site-relative part of an absolute address of this site, or None for another host."""
        parts = urlsplit(absolute)
        for address in self.addresses:
            own = urlsplit(address)
            prefix = own.path.rstrip("/")
            if parts.hostname == own.hostname and (
                parts.path == prefix or parts.path.startswith(prefix + "/")
            ):
                rest = parts.path[len(prefix) :].lstrip("/")
                return (
                    rest
                    + (f"?{parts.query}" if parts.query else "")
                    + (f"#{parts.fragment}" if parts.fragment else "")
                )
        return None

    def file(self, path: str) -> str | None:
        """The site-relative file a path is served from (a folder serves its index.html), or None."""
        if path not in self._files:
            self._files[path] = self._find(path)
        return self._files[path]

    def _find(self, path: str) -> str | None:
        clean = os.path.normpath(path).replace(os.sep, "/") if path else ""
        if clean.startswith(".."):
            return None
        clean = "" if clean == "." else clean
        if clean and not path.endswith("/") and (self.root / clean).is_file():
            return clean
        index = f"{clean}/index.html" if clean else "index.html"
        return index if (self.root / index).is_file() else None
