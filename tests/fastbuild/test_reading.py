import hashlib
import os
from pathlib import Path

import pytest
from fastbuild.reading import ForkedCacheSave, SourceStamps
from pelican.readers import Readers
from pelican.settings import DEFAULT_CONFIG


def test_a_source_is_hashed_again_only_when_its_size_or_time_changed(tmp_path):
    source = tmp_path / "story.md"
    source.write_text("Title: 甲\n\n正文", encoding="utf-8")
    hashed = []

    def sha1(name: str) -> bytes:
        hashed.append(name)
        with open(name, "rb") as file:
            return hashlib.sha1(file.read()).digest()

    cache_file = tmp_path / "cache" / "stamps.pickle"
    stamps = SourceStamps(cache_file, sha1)
    first = stamps(str(source))
    assert stamps(str(source)) == first and len(hashed) == 1, "one read per build"
    stamps.save()

    next_build = SourceStamps(cache_file, sha1)
    assert next_build(str(source)) == first and len(hashed) == 1, "and none on the next build"

    # Same size, new content and time: an editor's one-character fix, saved while a build runs.
    source.write_text("Title: 乙\n\n正文", encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert next_build(str(source)) == first and len(hashed) == 1, "one look per build"
    next_build.save()
    after_the_fix = SourceStamps(cache_file, sha1)
    assert after_the_fix(str(source)) == hashlib.sha1(source.read_bytes()).digest() != first
    assert len(hashed) == 2


def test_a_source_that_cannot_be_read_is_tried_again_and_never_answered_from_before(tmp_path):
    source = tmp_path / "story.md"
    source.write_text("Title: 甲\n\n正文", encoding="utf-8")
    cache_file = tmp_path / "cache" / "stamps.pickle"
    before = SourceStamps(cache_file, lambda name: b"before")
    before(str(source))
    before.save()
    source.write_text("Title: 乙，改过\n\n正文", encoding="utf-8")  # changed, then unreadable
    tries = []

    def unreadable(name: str) -> bytes:
        tries.append(name)
        raise PermissionError(13, "Permission denied", name)

    stamps = SourceStamps(cache_file, unreadable)
    for _ in range(2):  # Pelican asks again for the same file in one build, and warns each time
        with pytest.raises(PermissionError):
            stamps(str(source))
    assert len(tries) == 2
    stamps.save()
    assert SourceStamps(cache_file, lambda name: b"after")(str(source)) == b"after"


def test_the_reader_cache_is_saved_by_a_child_and_let_go_here(tmp_path):
    cache = {"CACHE_PATH": str(tmp_path / "cache"), "CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    settings = {**DEFAULT_CONFIG, **cache}
    readers = Readers(settings, cache_name="ArticlesGenerator")
    saving = ForkedCacheSave(readers)
    story = tmp_path / "story.md"
    story.write_text("Title: 甲\n\n正文", encoding="utf-8")
    readers.cache_data(str(story), ("<p>正文</p>", {"title": "甲"}))
    readers.save_cache()  # as Pelican calls it at the end of generate_context
    assert readers.get_cached_data(str(story)) is None  # nothing kept in memory
    saving.wait()
    saved = Path(readers._cache_path).read_bytes()

    readers.cache_data(str(story), ("<p>又一次</p>", {}))
    readers.save_cache()
    saving.wait()
    assert Path(readers._cache_path).read_bytes() == saved, "saved once, never again empty"
    assert Readers(settings, cache_name="ArticlesGenerator").get_cached_data(str(story)) == (
        "<p>正文</p>", {"title": "甲"},
    )


def test_a_failed_save_is_raised_when_the_build_waits_for_it(tmp_path):
    readers = Readers({**DEFAULT_CONFIG, "CACHE_PATH": str(tmp_path)}, cache_name="ArticlesGenerator")

    def broken() -> None:
        raise OSError("磁盘已满")

    readers.save_cache = broken
    saving = ForkedCacheSave(readers)
    readers.save_cache()
    with pytest.raises(OSError, match="磁盘已满"):
        saving.wait()
