"""Pelican's writer with every paginated listing cut into stable pages (`paginator.pages_to_write`)."""

from typing import Any

from pelican.writers import Writer

from .paginator import pages_to_write


class StablePaginationWriter(Writer):
    """A Pelican Writer whose listings are paginated from the oldest story.

    Each page of a listing is handed to Pelican's own `write_file` as one unpaginated page, with the
    variables Pelican's pagination would give it, so everything else (relative URLs, overwrite rules,
    the `content_written` signal) is Pelican's. A writer that builds on this one (plugins/fastbuild)
    overrides `write_page`.
    """

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
        pages = pages_to_write(name, url, template_name, paginated, self.settings, kwargs)
        for save_as, page_values in pages:
            self.write_page(
                save_as,
                template,
                context,
                page_values,
                relative_urls=relative_urls,
                template_name=template_name,
                override_output=override_output,
                url=url,
            )

    def write_page(
        self, name: str, template: Any, context: dict[str, Any], page_values: dict[str, Any], **options: Any
    ) -> None:
        """Write one page: the shared `context` plus this page's own template variables."""
        # paginated={}: already cut, so Pelican's writer writes it as it is.
        super().write_file(name, template, context, paginated={}, **options, **page_values)
