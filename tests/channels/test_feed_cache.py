"""Feeds rendered again only when what they are made from changed: real builds sharing a cache,
compared byte for byte with cold builds of the same content."""

import re
from pathlib import Path

from PIL import Image
from site_build import channel_files, make_site
from sitebuild import Build, build_site

# Written by the media and app feeds through the cache; WeChat, Weibo and OPML are always written.
NOT_CACHED = {"feeds/wechat.rss.xml", "feeds/weibo.rss.xml", "feeds/feeds.opml"}
COUNTS = re.compile(r"channels: (\d+) feeds rendered, (\d+) unchanged")


def cached_build(content: Path, output: Path, cache: Path) -> tuple[Build, int, int]:
    """A build with its log, and how many feeds it rendered and left unchanged."""
    # A source saved again (unchanged), so the build runs: fastbuild skips one with nothing changed.
    for source in sorted((content / "stories").glob("*.md"))[:1]:
        source.write_bytes(source.read_bytes())
    result = build_site(output, content=content, extra_settings={"CACHE_PATH": str(cache)}, verbose=True)
    assert result.returncode == 0, result.log
    counts = COUNTS.findall(result.log)
    assert len(counts) == 1, result.log
    return result, int(counts[0][0]), int(counts[0][1])


def cold_files(content: Path, folder: Path) -> dict[str, bytes]:
    cold = build_site(
        folder / "output", content=content, extra_settings={"CACHE_PATH": str(folder / "cache")}
    )
    assert cold.returncode == 0, cold.log
    return channel_files(folder / "output")


def cached_feeds(files: dict[str, bytes]) -> set[str]:
    return {path for path in files if path.startswith("feeds/") and path not in NOT_CACHED}


def test_only_feeds_carrying_an_edited_story_or_image_are_rendered_and_equal_a_cold_build(
    tmp_path: Path,
) -> None:
    content = make_site(tmp_path / "site")
    output, cache = tmp_path / "output", tmp_path / "cache"
    _, rendered, unchanged = cached_build(content, output, cache)
    before = channel_files(output)
    assert (rendered, unchanged) == (len(cached_feeds(before)), 0)
    mtimes = {path: (output / path).stat().st_mtime_ns for path in before}

    _, rendered, unchanged = cached_build(content, output, cache)
    assert (rendered, unchanged) == (0, len(cached_feeds(before)))
    assert channel_files(output) == before

    # A body edit in one story; a new size for an image that story and the imported one show.
    story = content / "stories" / "test-wide-cover.md"
    story.write_text(
        story.read_text(encoding="utf-8").replace("正文第一段", "改过的正文第一段"), encoding="utf-8"
    )
    Image.new("RGB", (500, 300), (40, 200, 40)).save(content / "images" / "test" / "narrow.png")
    _, rendered, unchanged = cached_build(content, output, cache)
    after = channel_files(output)
    assert after == cold_files(content, tmp_path / "cold")

    carrying = {
        path for path in cached_feeds(after) if re.search(rb"test-(wide-cover|imported)/", after[path])
    }
    changed = {path for path in cached_feeds(after) if after[path] != before[path]}
    assert changed == carrying
    assert any(b"\xe6\x94\xb9\xe8\xbf\x87" not in after[path] for path in changed)  # image-only change
    assert (rendered, unchanged) == (len(carrying), len(cached_feeds(after)) - len(carrying))
    for path in cached_feeds(after) - carrying:
        assert (output / path).stat().st_mtime_ns == mtimes[path], path


def test_a_feed_file_changed_outside_the_build_or_a_damaged_cache_means_rendering_again(
    tmp_path: Path,
) -> None:
    content = make_site(tmp_path / "site")
    output, cache = tmp_path / "output", tmp_path / "cache"
    cached_build(content, output, cache)
    expected = channel_files(output)
    feed = output / "feeds" / "all.atom.xml"
    feed.write_bytes(bytes(len(feed.read_bytes())))  # same size, other bytes
    (output / "feeds" / "app.json").unlink()

    _, rendered, unchanged = cached_build(content, output, cache)
    assert rendered == 2 and unchanged == len(cached_feeds(expected)) - 2
    assert channel_files(output) == expected

    for damaged in cache.rglob("channels-feeds.pickle"):
        damaged.write_bytes(b"not a pickle")
    _, rendered, unchanged = cached_build(content, output, cache)
    assert (rendered, unchanged) == (len(cached_feeds(expected)), 0)
    assert channel_files(output) == expected
