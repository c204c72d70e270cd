"""Every name of Pelican that fastbuild (and the stable-pagination writer it builds on) relies on
without Pelican promising to keep it. An upgrade that renames or reshapes one fails here, by name,
instead of quietly slowing the build or changing the site."""

import inspect
from datetime import datetime
from types import SimpleNamespace

import pelican
import pelican.contents
import pelican.generators
import pelican.readers
import pelican.urlwrappers
import pytest
from fastbuild import PELICAN_SERIES, _refuse, supports
from fastbuild.setup import PELICAN_READER_CACHES
from pelican.cache import FileStampDataCacher
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator, CachingGenerator
from pelican.readers import Readers
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import URLWrapper
from pelican.utils import SafeDatetime, memoized
from pelican.writers import Writer


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_installed_pelican_is_the_series_fastbuild_was_written_for():
    assert supports(pelican.__version__), (
        f"Pelican {pelican.__version__}: fastbuild was written for {PELICAN_SERIES}.x; once every test "
        "of tests/fastbuild passes, set PELICAN_SERIES in plugins/fastbuild/__init__.py"
    )


def test_the_writer_opens_files_through_open_w_and_tracks_what_it_wrote(tmp_path):
    assert parameters(Writer._open_w) == ["self", "filename", "encoding", "override"]
    writer = Writer(str(tmp_path), settings={**DEFAULT_CONFIG})
    assert writer._written_files == set() and writer._overridden_files == set()
    assert parameters(Writer.write_file)[:9] == [
        "self", "name", "template", "context", "relative_urls", "paginated", "template_name",
        "override_output", "url",
    ]  # fmt: skip


def test_the_story_content_and_summary_are_memoized_in_one_shared_dict():
    for name in ("get_content", "get_summary"):
        memo = Content.__dict__[name]
        assert isinstance(memo, memoized), name
        assert isinstance(memo.cache, dict) and callable(memo.func), name


def test_the_articles_generator_builds_archives_tags_and_translations_as_fastbuild_replaces_them():
    assert parameters(ArticlesGenerator._build_period_archives) == [
        "self", "sorted_articles", "articles", "settings",
    ]  # fmt: skip
    assert parameters(ArticlesGenerator.generate_tags) == ["self", "write"]
    # Looked up in the generators module at each call, so a build can put its own in place.
    assert pelican.generators.process_translations is pelican.utils.process_translations
    assert "process_translations(" in inspect.getsource(ArticlesGenerator.generate_context)


def test_content_objects_and_categories_look_slugify_up_in_their_modules_at_each_call():
    # So a build can put its own in place (speedups.slugs_remembered).
    assert pelican.contents.slugify is pelican.utils.slugify is pelican.urlwrappers.slugify
    assert "slugify(" in inspect.getsource(Content.__init__)
    assert "slugify(" in inspect.getsource(URLWrapper.slug.fget)


def test_dates_are_formatted_by_the_strftime_looked_up_in_pelicans_utils_at_each_call():
    # So a build can put its own in place (speedups.dates_formatted_fast).
    assert "strftime(self, fmt)" in inspect.getsource(SafeDatetime.strftime)
    assert "self.date.strftime(self.date_format)" in inspect.getsource(Content.__init__)


def test_the_reader_cache_is_stamped_per_file_and_named_per_generator():
    assert issubclass(Readers, FileStampDataCacher)
    for name in ("get_cached_data", "cache_data"):
        assert callable(getattr(Readers, name)), name
    assert "_filestamp_func" in inspect.getsource(FileStampDataCacher._get_file_stamp)
    assert callable(pelican.readers._filter_discardable_metadata)
    source = inspect.getsource(CachingGenerator.__init__)
    assert 'readers_cache_name=(cls_name + "-Readers")' in source
    assert PELICAN_READER_CACHES == "*-Readers"


def test_a_content_object_answers_its_address_from_override_url_and_override_save_as():
    article = Article("<p>正文</p>", metadata={"title": "甲", "date": datetime(2020, 2, 20)},
                      settings={**DEFAULT_CONFIG})  # fmt: skip
    article.override_url, article.override_save_as = "kept/", "kept/index.html"
    assert (article.url, article.save_as) == ("kept/", "kept/index.html")


@pytest.mark.parametrize("version", ["4.11.0", "4.13.0", "5.0.0"])
def test_another_pelican_series_is_refused_with_what_to_do(version, monkeypatch, caplog):
    assert not supports(version)
    monkeypatch.setattr("fastbuild.pelican_version", version)
    _refuse(SimpleNamespace(settings={}))
    (message,) = [record.getMessage() for record in caplog.records]
    assert f"Pelican {PELICAN_SERIES}.x" in message and version in message
    assert "requirements.txt" in message and "tests/fastbuild" in message and "FASTBUILD = False" in message


def test_a_refused_fastbuild_is_silent_when_turned_off(monkeypatch, caplog):
    monkeypatch.setattr("fastbuild.pelican_version", "5.0.0")
    _refuse(SimpleNamespace(settings={"FASTBUILD": False}))
    assert caplog.records == []


def test_the_articles_generator_has_saved_its_reader_cache_when_it_says_it_has_finished():
    # fastbuild saves it in a child when Pelican calls save_cache, then lets go (reading.ForkedCacheSave).
    source = inspect.getsource(ArticlesGenerator.generate_context)
    saved = source.index("self.readers.save_cache()")
    assert saved < source.index("signals.article_generator_finalized.send(self)")
    cacher = FileStampDataCacher({**DEFAULT_CONFIG}, "probe", True, False)
    assert cacher._cache == {} and cacher._cache_data_policy is True
