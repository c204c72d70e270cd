"""Pagination anchored at the oldest story, with Pelican's Paginator interface.

Pelican cuts a newest-first listing into pages counted from the newest story, so one new story
moves every story of the listing one place and changes every page. Here the archive pages are
fixed slices of `per_page` stories counted from the oldest; the listing's first page holds the rest,
the newest stories (between `per_page` and twice that, once the listing has that many). A new story
changes the first page only; when the first page would hold twice `per_page`, its older half becomes
a new archive page. Archive page n (the {number} in its address) always holds the same stories:
page 1 the oldest.

Lists must come newest first (Pelican's default ARTICLE_ORDER_BY and NEWEST_FIRST_ARCHIVES).
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pelican.paginator import Page, PaginationRule


def archive_count(count: int, per_page: int) -> int:
    """How many fixed archive pages a listing of `count` stories has besides its first page."""
    return max(0, count // per_page - 1) if per_page else 0


class StablePaginator:
    """A drop-in for `pelican.paginator.Paginator`: `page(1)` is the first page, then older ones.

    `page(position)` takes the position from the newest, as Pelican's writer asks for pages; the
    page's address uses its stable `archive_number` instead.
    """

    def __init__(
        self,
        name: str,
        url: str,
        object_list: Sequence[Any],
        settings: Mapping[str, Any],
        per_page: int | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self.object_list = object_list
        self.settings = settings
        self.per_page = per_page or len(object_list)
        self.orphans = 0
        self.count = len(object_list)
        self.archive_pages = archive_count(self.count, per_page or 0)
        self.num_pages = self.archive_pages + 1
        self.page_range = list(range(1, self.num_pages + 1))
        # Each page is asked for up to three times (itself, its neighbours' previous and next): made once.
        self._pages: dict[int, StablePage] = {}

    def page(self, number: int) -> "StablePage":
        """The page at `number` from the newest: 1 is the first page, `num_pages` the oldest."""
        if number not in self._pages:
            self._pages[number] = self._make_page(number)
        return self._pages[number]

    def _make_page(self, number: int) -> "StablePage":
        if not 1 <= number <= self.num_pages:
            raise IndexError(f"page {number} of a listing with {self.num_pages} pages")
        if number == 1:
            archive_number = None
            bottom, top = 0, self.count - self.archive_pages * self.per_page
        else:
            archive_number = self.archive_pages + 2 - number
            top = self.count - (archive_number - 1) * self.per_page
            bottom = top - self.per_page
        return StablePage(
            self.name,
            self.url,
            self.object_list[bottom:top],
            number,
            self,
            self.settings,
            archive_number,
            bottom,
        )


class StablePage(Page):
    """A Pelican Page whose address carries its stable archive number.

    `number` stays the position from the newest (1 = the first page), as Pelican's templates and
    writer expect; it grows with the listing, so a template must not print it on archive pages.
    """

    def __init__(
        self,
        name: str,
        url: str,
        object_list: Sequence[Any],
        number: int,
        paginator: StablePaginator,
        settings: Mapping[str, Any],
        archive_number: int | None,
        offset: int,
    ) -> None:
        super().__init__(name, url, object_list, number, paginator, settings)
        self.archive_number = archive_number
        self._offset = offset

    @property
    def is_first(self) -> bool:
        return self.archive_number is None

    def cache_key(self) -> tuple[Any, ...]:
        """What of this page a template can show, for plugins/fastbuild: its stories and address,
        and the listing's size on the first page only (archive pages never show it)."""
        return (
            self.archive_number,
            self.url,
            self.object_list,
            self.paginator.num_pages > 1,
            self.paginator.count if self.is_first else None,
        )

    def start_index(self) -> int:
        return self._offset + 1 if self.object_list else 0

    def end_index(self) -> int:
        return self._offset + len(self.object_list)

    def _address(self, key: str) -> str:
        """URL or SAVE_AS from PAGINATION_PATTERNS: the rule for page 1 places the first page, the
        rule for page 2 every archive page, with {number} its archive number."""
        position = 1 if self.is_first else 2
        rule = None
        for pattern in self.settings["PAGINATION_PATTERNS"]:
            candidate = PaginationRule(*pattern)
            if 0 < candidate.min_page <= position:
                rule = candidate
        if rule is None:
            return ""
        value = getattr(rule, key).format(
            save_as=self.full_name,
            url=self.base_url,
            name=self.name,
            base_name=self.base_name,
            extension=self.extension,
            number=self.archive_number or 1,
        )
        # As in Pelican: one leading slash is dropped.
        return value[1:] if value.startswith("/") else value

    @property
    def url(self) -> str:  # type: ignore[override]
        return self._address("URL")

    @property
    def save_as(self) -> str:  # type: ignore[override]
        return self._address("SAVE_AS")


def pages_to_write(
    name: str,
    url: str | None,
    template_name: str | None,
    paginated: Mapping[str, Sequence[Any]] | None,
    settings: Mapping[str, Any],
    kwargs: dict[str, Any],
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(output name, template variables) of every page `Writer.write_file` would write.

    The same decision and variables as Pelican's writer ({key}_paginator, {key}_page,
    {key}_previous_page = the newer page, {key}_next_page = the older page), with stable pages.
    A writer writes each one as an unpaginated page.
    """
    if paginated is None:
        paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
    if not paginated or template_name not in settings["PAGINATED_TEMPLATES"]:
        yield name, kwargs
        return
    per_page = settings["PAGINATED_TEMPLATES"][template_name] or settings["DEFAULT_PAGINATION"]
    paginators = {
        key: StablePaginator(name, url or "", value, settings, per_page) for key, value in paginated.items()
    }
    num_pages = next(iter(paginators.values())).num_pages
    for position in range(1, num_pages + 1):
        page_kwargs = dict(kwargs)
        save_as = ""
        for key, paginator in paginators.items():
            page = paginator.page(position)
            save_as = save_as or page.save_as
            page_kwargs[f"{key}_paginator"] = paginator
            page_kwargs[f"{key}_page"] = page
            page_kwargs[f"{key}_previous_page"] = paginator.page(position - 1) if position > 1 else None
            page_kwargs[f"{key}_next_page"] = paginator.page(position + 1) if position < num_pages else None
        yield save_as, page_kwargs
