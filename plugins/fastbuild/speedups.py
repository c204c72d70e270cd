"""Costs of Pelican itself that grow faster than the site, removed without changing what it makes.

- Pelican picks each tag's and category's stories out of the whole dates list with `article in
  articles` on a plain list: one scan of the listing per story, quadratic at 10,000 stories (seconds
  on every build). Lists that answer `in` from a set make that linear.
- A story's `url` is formatted again (a copy of its metadata, date formatting) on every use: about
  90,000 times a build at 10,000 stories. Pelican's own `override_url` keeps the result, and
  `override_save_as` its file name.
- Python's cyclic garbage collector, at its default thresholds, walks every object of the build
  again and again while Pelican makes millions of long-lived ones (stories, metadata, queued pages):
  about 2 s of a one-story rebuild at 10,000 stories, finding next to nothing. During a build it
  runs on the young objects only, and rarely (`BUILD_GC_THRESHOLDS`). When the build is over,
  its objects are frozen out of the collector's sight: the collections of interpreter shutdown
  would otherwise walk them all again (1.3 s of a one-story rebuild at 10,000 stories).
- Every content object works out its path under content/ again (two absolute paths and a relative
  one) each time its URL or file name is formatted: 1.4 s of a one-story rebuild at 10,000 stories.
  During a build each path is worked out once, for a file under content/ by cutting content/'s own
  path off its absolute path (what `os.path.relpath` gives, without its general case).
- Every static file gets a category object of its own, and each works out the category's slug
  again when the file's output path is formatted: 11,500 slugs of one name at 10,000 stories;
  and each works out its own slug from its file name. Each slug is worked out once, and kept for
  the next build.
- Pelican formats a date (the story's date in words, `{date:%Y}` in its URL and file name) by
  finding the format's directives with regular expressions and asking the C library for each one:
  about 50,000 formattings a build at 10,000 stories, most of a second. During a build a format of
  digits only (year, month, day, hour, minute, second, with or without Pelican's `-` for no leading
  zero) is worked out once and filled in from the date's numbers; any other goes to Pelican's.
- The year and month archives pick their stories the same way (`a in dates` for every story, per
  period), each tag page scans the whole dates list for its few stories, and sorting out
  translations ends with every story looked up in the list of originals: together about a fifth of
  a one-story rebuild at 10,000 stories.
"""

import contextlib
import datetime
import gc
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, groupby
from operator import attrgetter
from pathlib import Path
from types import MethodType
from typing import Any

import pelican.contents
import pelican.generators
import pelican.urlwrappers
import pelican.utils
from pelican.contents import Content
from pelican.generators import ArticlesGenerator
from pelican.utils import posixize_path
from pelican.utils import process_translations as pelican_process_translations
from siterules.files import folder_prefix, under_folder, write_if_changed


class MembershipList(list):
    """A list whose `in` looks the item up by identity in a set kept beside it."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item: object) -> bool:
        # Pelican's content objects compare by identity, so this answers as list.__contains__ would.
        return id(item) in self._ids


def keep_urls(articles: Iterable[Any]) -> None:
    """Fix each story's URL and file name once its metadata is final (as `URL:` and `Save_as:` in
    front matter would)."""
    for article in articles:
        if not hasattr(article, "override_url"):
            article.override_url = article.url
        if not hasattr(article, "override_save_as"):
            article.override_save_as = article.save_as


def make_membership_fast(generator: Any) -> None:
    """Replace the article lists of the generator's tags and categories, once they are final
    (after `article_generator_finalized` nothing adds to them; sorting keeps the same members)."""
    generator.tags = {tag: MembershipList(articles) for tag, articles in generator.tags.items()}
    generator.categories = [
        (category, MembershipList(articles)) for category, articles in generator.categories
    ]


# Young objects collected every 50,000 allocations (not 700), a full collection after 2,000 of those.
BUILD_GC_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def collect_garbage_rarely() -> Iterator[None]:
    """Run a build with the collector set to `BUILD_GC_THRESHOLDS`, and freeze what is left of it."""
    before = gc.get_threshold()
    if gc.get_freeze_count():
        # An earlier build of this process (`--autoreload`): what it froze is garbage now, held in
        # cycles that the build's rare collections would not reach for a long time.
        gc.unfreeze()
        gc.collect()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.freeze()


def process_translations_by_group(
    content_list: list[Content], translation_id: str | Iterable[str] | None = None
) -> tuple[list[Content], list[Content]]:
    """Pelican's `process_translations`, run on each group of items sharing a translation id: the
    same originals, translations, order and warnings, without its lookup of every item in the list
    of all originals."""
    if not translation_id:
        return pelican_process_translations(content_list, translation_id)
    key = attrgetter(*({translation_id} if isinstance(translation_id, str) else translation_id))
    try:
        content_list.sort(key=key)
    except (TypeError, AttributeError):
        return pelican_process_translations(content_list, translation_id)  # with Pelican's message
    originals: list[Content] = []
    translations: list[Content] = []
    for _, items in groupby(content_list, key):
        group_originals, group_translations = pelican_process_translations(list(items), translation_id)
        originals.extend(group_originals)
        translations.extend(group_translations)
    return originals, translations


def _period_archives_by_date(
    generator: ArticlesGenerator, sorted_articles: list[Content], articles: list[Content], settings: dict
) -> dict[str, list[dict[str, Any]]]:
    archives = ArticlesGenerator._build_period_archives(generator, sorted_articles, [], settings)
    by_period: dict[tuple[int, ...], list[Content]] = defaultdict(list)
    for article in articles:
        day = article.date
        for period in ((day.year,), (day.year, day.month), (day.year, day.month, day.day)):
            by_period[period].append(article)
    for archive in chain.from_iterable(archives.values()):
        archive["articles"] = by_period[tuple(archive["period_num"])]
    return archives


def _tag_pages_one_by_one(generator: ArticlesGenerator, write: Any) -> None:
    # Pelican's own generate_tags, shown one tag and that tag's stories in date order at a time.
    all_tags, all_dates = generator.tags, generator.dates
    position = {id(article): index for index, article in enumerate(all_dates)}
    try:
        for tag, articles in all_tags.items():
            generator.tags = {tag: articles}
            dated = (article for article in articles if id(article) in position)
            generator.dates = sorted(dated, key=lambda article: position[id(article)])
            ArticlesGenerator.generate_tags(generator, write)
    finally:
        generator.tags, generator.dates = all_tags, all_dates


def make_grouping_fast(generator: ArticlesGenerator) -> None:
    """Before the generator builds its context: linear archives and tag pages."""
    generator._build_period_archives = MethodType(_period_archives_by_date, generator)
    generator.generate_tags = MethodType(_tag_pages_one_by_one, generator)


@contextmanager
def translations_by_group() -> Iterator[None]:
    """Run a build with the generators sorting out translations per group of stories; Pelican's own
    function is put back after it."""
    pelican_own = pelican.generators.process_translations
    pelican.generators.process_translations = process_translations_by_group
    try:
        yield
    finally:
        pelican.generators.process_translations = pelican_own


@contextmanager
def relative_paths_remembered() -> Iterator[None]:
    """Run a build with each content object's path under content/ worked out once per source; Pelican's
    own method is put back after it."""
    pelican_own = Content.get_relative_source_path
    remembered: dict[tuple[str, str], str | None] = {}
    roots: dict[str, str] = {}  # PATH -> its folder_prefix

    def worked_out(content: Content, content_path: str, source_path: str) -> str | None:
        if content_path not in roots:
            roots[content_path] = folder_prefix(content_path)
        inside = under_folder(os.path.abspath(os.path.join(content_path, source_path)), roots[content_path])
        return posixize_path(inside) if inside is not None else pelican_own(content, source_path)

    def get_relative_source_path(content: Content, source_path: str | None = None) -> str | None:
        source_path = source_path or content.source_path
        if source_path is None:
            return None
        key = (content.settings["PATH"], source_path)
        if key not in remembered:
            remembered[key] = worked_out(content, *key)
        return remembered[key]

    Content.get_relative_source_path = get_relative_source_path
    try:
        yield
    finally:
        Content.get_relative_source_path = pelican_own


@contextmanager
def slugs_remembered(memo_file: Path | None = None, key: str = "") -> Iterator[None]:
    """Run a build with each slug worked out once: Pelican gives every static file a category object
    of its own, and each works out the category's slug again (11,500 times at 10,000 stories, for
    one category), and each static file's own slug from its name (a third of a second at 10,000
    stories, in every build). With `memo_file`, the slugs are kept there for the next build with the
    same `key` (the reading key, which covers the libraries slugify uses). Pelican's own function is
    put back after it."""
    users = (pelican.contents, pelican.urlwrappers)
    pelican_own = {module: module.slugify for module in users}
    slugify = pelican.utils.slugify
    kept = _load_slugs(memo_file, key) if memo_file else {}
    remembered: dict[tuple, str] = {}  # this build's; kept for the next one (no slug of a file deleted)

    def remembered_slugify(
        value: str, regex_subs: Iterable[tuple[str, str]] = (), preserve_case: bool = False,
        use_unicode: bool = False,
    ) -> str:  # fmt: skip
        subs = tuple(map(tuple, regex_subs))
        key = (value, subs, preserve_case, use_unicode)
        if key not in remembered:
            slug = kept.get(key)
            remembered[key] = slugify(value, subs, preserve_case, use_unicode) if slug is None else slug
        return remembered[key]

    for module in users:
        module.slugify = remembered_slugify
    try:
        yield
    finally:
        for module, own in pelican_own.items():
            module.slugify = own
        if memo_file and remembered != kept:
            _save_slugs(memo_file, key, remembered)


def _load_slugs(memo_file: Path, key: str) -> dict[tuple, str]:
    try:
        saved_key, by_options = pickle.loads(memo_file.read_bytes())
        if saved_key != key:
            return {}
        kept = {
            (value, *options): slug for options, slugs in by_options.items() for value, slug in slugs.items()
        }
    except Exception:  # a damaged file can fail in many ways: a speed-up never stops the build
        return {}
    return kept if all(isinstance(slug, str) for slug in kept.values()) else {}


def _save_slugs(memo_file: Path, key: str, remembered: dict[tuple, str]) -> None:
    # By options (the substitutions are the same long tuple for nearly every slug), then by value.
    by_options: dict[tuple, dict[str, str]] = defaultdict(dict)
    for (value, *options), slug in remembered.items():
        by_options[tuple(options)][value] = slug
    data = pickle.dumps((key, dict(by_options)), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # only a speed-up
        write_if_changed(memo_file, data)


# Directive -> the date's field it shows, for the directives that are digits in every locale.
_NUMBER_FIELDS = {"Y": "year", "m": "month", "d": "day", "H": "hour", "M": "minute", "S": "second"}
_DIRECTIVE = re.compile("%-?.")  # what Pelican's strftime takes for a directive
_PLAIN_DATETIMES = (datetime.datetime, pelican.utils.SafeDatetime)


def _digits_plan(date_format: str) -> tuple[str, tuple[tuple[str, bool], ...]] | None:
    """`date_format` as a %-template and, per directive, the date's field and whether its leading
    zeros go; None when it shows anything but digits (names, time zones, week numbers) or has a `%`
    that is no directive (Pelican's own then gives what it gives)."""
    template, fields, end = [], [], 0
    for match in _DIRECTIVE.finditer(date_format):
        text, directive, end = date_format[end : match.start()], match.group(), match.end()
        if "%" in text:
            return None
        if directive == "%%":
            template.append(text + "%%")
        elif directive[-1] in _NUMBER_FIELDS:
            template.append(text + "%s")
            fields.append((_NUMBER_FIELDS[directive[-1]], len(directive) == 3))
        else:
            return None
    rest = date_format[end:]
    return None if "%" in rest else ("".join(template) + rest, tuple(fields))


def _digits(date: datetime.datetime, field: str, unpadded: bool) -> str:
    value = getattr(date, field)
    return str(value) if unpadded or field == "year" else f"{value:02d}"


@contextmanager
def dates_formatted_fast() -> Iterator[None]:
    """Run a build with date formats of digits only filled in without Pelican's regular expressions
    and a C-library call per directive (`_digits_plan`). Pelican's own function is put back after."""
    pelican_own = pelican.utils.strftime
    plans: dict[str, tuple | None] = {}

    def strftime(date: datetime.date, date_format: str) -> str:
        # Only plain dates and formats: a subclass may format otherwise (a theme's Markup format
        # would escape the text around the digits).
        if type(date) not in _PLAIN_DATETIMES or type(date_format) is not str or date.year < 1000:
            return pelican_own(date, date_format)
        if date_format not in plans:
            plans[date_format] = _digits_plan(date_format)
        plan = plans[date_format]
        if plan is None:
            return pelican_own(date, date_format)
        template, fields = plan
        return template % tuple(_digits(date, field, unpadded) for field, unpadded in fields)

    pelican.utils.strftime = strftime
    try:
        yield
    finally:
        pelican.utils.strftime = pelican_own
