import hashlib
import os

from fastbuild.reading import SourceStamps


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

    # Same size, new content and time: an editor's one-character fix.
    source.write_text("Title: 乙\n\n正文", encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert next_build(str(source)) != first and len(hashed) == 2
    next_build.save()
    assert SourceStamps(cache_file, sha1)(str(source)) == hashlib.sha1(source.read_bytes()).digest()
