"""The smallest Writer that paginates with stable pages.

LEAD: fold into the fastbuild writer and drop this file and the get_writer hook in __init__.py. Two
equivalent ways: in a copy of Pelican's `write_file`, build `StablePaginator(...)` where it builds
`Paginator(...)`; or, as here, let `pages_to_write` cut the pages and write (or queue) each one
unpaginated.
"""

from typing import Any

from pelican.writers import Writer

from .paginator import pages_to_write


class StablePaginationWriter(Writer):
    """Pelican's writer, each listing page written with stable pagination."""

    def write_file(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: dict[str, Any] | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not name:
            return
        for save_as, page_kwargs in pages_to_write(
            name, url, template_name, paginated, self.settings, kwargs
        ):
            super().write_file(
                save_as,
                template,
                context,
                relative_urls=relative_urls,
                paginated={},  # already cut: Pelican writes it as one page
                template_name=template_name,
                override_output=override_output,
                url=url,
                **page_kwargs,
            )
