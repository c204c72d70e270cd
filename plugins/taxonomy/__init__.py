"""Fixed vocabularies for stories: validation at build time and listing pages per facet."""

from functools import partial

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator
from pelican.writers import Writer

from .listings import DEFAULT_SETTINGS, FACETS, attach_listings, group_articles, write_listings
from .validation import check_stories


def _add_defaults(pelican: Pelican) -> None:
    for key, value in DEFAULT_SETTINGS.items():
        pelican.settings.setdefault(key, value)


def _validate(generator: ArticlesGenerator) -> None:
    stories = generator.articles + generator.hidden_articles + generator.drafts
    check_stories([(story.relative_source_path, story.metadata) for story in stories])


def _group(generator: ArticlesGenerator) -> None:
    generator.facet_listings = {}
    for facet in FACETS:
        listings = group_articles(generator.articles, facet, generator.settings)
        attach_listings(generator.articles, listings)
        generator.facet_listings[facet.field] = listings
        generator.context[f"{facet.field}_listings"] = listings


def _write(generator: ArticlesGenerator, writer: Writer) -> None:
    write = partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
    for facet in FACETS:
        write_listings(
            write,
            generator.get_template,
            generator.context,
            facet,
            generator.facet_listings[facet.field],
            generator.dates,
            generator.settings,
        )


def register() -> None:
    signals.initialized.connect(_add_defaults)
    signals.article_generator_pretaxonomy.connect(_validate)
    signals.article_generator_finalized.connect(_group)
    signals.article_writer_finalized.connect(_write)
