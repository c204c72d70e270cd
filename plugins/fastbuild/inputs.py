"""What a page was rendered from: the template variables it read, and a digest of their values.

A page is rendered again only when a variable it read last time has a different digest now. The
variables are recorded while Jinja renders (every name lookup goes through the context, including in
included templates and macros imported with context), so a template that reads `articles` on its
first page only makes only that page depend on the whole list.
"""

import dataclasses
import hashlib
from collections import ChainMap
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from jinja2.runtime import Context
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from .contentmemo import content_unremembered

# The key under which a render's set of read variables travels through Jinja's contexts.
READ_NAMES_KEY = "__fastbuild_read_names__"
# Never part of a digest: every content object and URL wrapper carries the whole settings dict, and a
# content object's metadata is also set on it attribute by attribute.
SKIPPED_ATTRIBUTES = frozenset({"settings", "metadata"})
# Type tuples, not `str | int` unions: a union is built anew on every call, and `describe` runs
# millions of times a build at 10,000 stories.
SCALARS = (str, int, float, bool)
DATES = (datetime, date)
SEQUENCES = (list, tuple)
SETS = (set, frozenset)
REFERENCED_AS_IS = (*SCALARS, URLWrapper)


class RecordingContext(Context):
    """A Jinja context that notes every template variable it resolves."""

    def resolve_or_missing(self, key: str) -> Any:
        read_names = self.parent.get(READ_NAMES_KEY)
        if read_names is not None:
            read_names.add(key)
        return super().resolve_or_missing(key)


def _hash(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Describer:
    """Digests of template values, memoized for one build (objects are keyed by identity)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, str]] = {}
        self._references: dict[int, tuple[Any, str]] = {}
        # Pelican makes a new Tag object per story: equal names share one digest.
        self._wrappers: dict[tuple[type, str], str] = {}
        # Digests of the values every page shares (the site's context), by name.
        self.shared_digests: dict[str, str] = {}

    def _remember(self, value: Any, digest: str) -> str:
        self._memo[id(value)] = (value, digest)  # the value is kept so that its id is not reused
        return digest

    def learn(self, value: Any, digest: str) -> None:
        """Take a digest of `value` worked out by another process's describer of this build."""
        self._remember(value, digest)

    def describe(self, value: Any) -> str:
        if value is None or isinstance(value, SCALARS):
            return repr(value)
        if isinstance(value, DATES):
            return f"{type(value).__name__}:{value.isoformat()}"
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        if isinstance(value, Content):
            return self._remember(value, self._content(value))
        if isinstance(value, SEQUENCES):
            return self._remember(value, _hash("seq", *(self.describe(item) for item in value)))
        if isinstance(value, Mapping):
            items = sorted((str(key), self.describe(item)) for key, item in value.items())
            return self._remember(value, _hash("map", *(f"{key}={item}" for key, item in items)))
        if isinstance(value, SETS):
            return self._remember(value, _hash("set", *sorted(self.describe(item) for item in value)))
        return self._remember(value, self._object(value))

    def reference(self, value: Any) -> str:
        """A value seen from a content object: another story (a neighbour, a translation) counts by
        what a link to it shows, a link target (a tag, a facet listing) by its name and address."""
        if value is None or isinstance(value, REFERENCED_AS_IS):
            return self.describe(value)
        if isinstance(value, SEQUENCES):
            return _hash("refs", *(self.reference(item) for item in value))
        known = self._references.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        kind = type(value)
        url = getattr(value, "url", None)
        if isinstance(value, Content):
            date_ = getattr(value, "date", None)
            digest = _hash("ref", kind.__name__, url or "", str(getattr(value, "title", "")),
                           date_.isoformat() if date_ else "")
        elif isinstance(url, str) and not callable(value):
            digest = _hash(f"{kind.__module__}.{kind.__qualname__}", str(value), url)
        else:
            digest = self.describe(value)
        self._references[id(value)] = (value, digest)
        return digest

    def _content(self, content: Content) -> str:
        # The HTML with intra-site links resolved, so a linked story's new address is a change too.
        # Read without Pelican's memo, which would keep it for the rest of the build. A summary not
        # given in the metadata is cut from this HTML by the settings, both digested already.
        html = content_unremembered(content, "")
        summary = content.metadata.get("summary") if html is not None else None  # not in static files
        parts = [type(content).__name__, html or "", summary or ""]
        for name, value in sorted(vars(content).items()):
            if name.startswith("_") or name in SKIPPED_ATTRIBUTES:
                continue
            parts.append(f"{name}={self.reference(value)}")
        return _hash(*parts)

    def _object(self, value: Any) -> str:
        kind = type(value)
        label = f"{kind.__module__}.{kind.__qualname__}"
        cache_key = getattr(value, "cache_key", None)
        if callable(cache_key):
            # The object says what of it a page can show (a stable paginator's page).
            return _hash(label, self.describe(cache_key()))
        if callable(value):
            # A function or Jinja global: its result may depend only on settings and its arguments.
            return label
        if isinstance(value, URLWrapper):
            # Its __dict__ gains "name" and "slug" once a URL is formatted: use the properties.
            key = (kind, value.name)
            if key not in self._wrappers:
                self._wrappers[key] = _hash(label, value.name, value.slug, value.url)
            return self._wrappers[key]
        attributes = getattr(value, "__dict__", None)
        if attributes is None and dataclasses.is_dataclass(value):  # one with __slots__
            attributes = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        if attributes is None:
            return _hash(label, str(value))
        parts = [label]
        for name, item in sorted(attributes.items()):
            # Leading underscores mark private state and lazily filled caches (a tag's _slug).
            if name.startswith("_") or name in SKIPPED_ATTRIBUTES:
                continue
            parts.append(f"{name}={self.describe(item)}")
        return _hash(*parts)


def inputs_digest(describer: Describer, values: Mapping[str, Any], names: Iterable[str]) -> str:
    """One digest of the named template variables' values; a missing name counts as missing.

    Values that a ChainMap takes from its last (shared) mapping are described once per describer.
    """
    shared = values.maps[-1] if isinstance(values, ChainMap) else None
    own = values.maps[:-1] if shared is not None else [values]
    parts = []
    for name in sorted(set(names) - {READ_NAMES_KEY}):
        if shared is not None and not any(name in layer for layer in own):
            digest = describer.shared_digests.get(name)
            if digest is None:
                digest = describer.describe(shared[name]) if name in shared else "<missing>"
                describer.shared_digests[name] = digest
        else:
            digest = describer.describe(values[name]) if name in values else "<missing>"
        parts.append(f"{name}={digest}")
    return _hash(*parts)
