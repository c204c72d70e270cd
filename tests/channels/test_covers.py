"""WeChat covers: both sizes, centre-cropped, small JPEGs without EXIF, written where they are asked."""

import io
import os
from pathlib import Path

import pytest
from channels.covers import (
    COVER_SIZES,
    MAX_BYTES,
    CoverCache,
    CoverError,
    centre_crop,
    encode_jpeg,
    make_covers,
    write_covers,
)
from PIL import Image

RED, GREEN, BLUE = (220, 30, 30), (30, 180, 30), (30, 30, 220)


def _banded(path: Path, size: tuple[int, int], vertical: bool) -> Path:
    """Three equal bands, red / green / blue, left to right (vertical bands) or top to bottom."""
    width, height = size
    picture = Image.new("RGB", size, GREEN)
    third = (width if vertical else height) // 3
    first = (0, 0, third, height) if vertical else (0, 0, width, third)
    last = (width - third, 0, width, height) if vertical else (0, height - third, width, height)
    picture.paste(RED, first)
    picture.paste(BLUE, last)
    exif = Image.Exif()
    exif[0x010F] = "Test Camera Maker"  # Make
    exif[0x0132] = "2020:02:18 10:30:00"  # DateTime
    picture.save(path, "JPEG", quality=95, exif=exif)
    assert Image.open(path).getexif()  # the source really carries EXIF
    return path


def _close(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_both_sizes_are_small_jpegs_without_exif(tmp_path: Path) -> None:
    covers = make_covers(_banded(tmp_path / "source.jpg", (1600, 1200), vertical=True))
    assert [(cover.width, cover.height) for cover in covers] == list(COVER_SIZES) == [(900, 383), (500, 500)]
    assert round(900 / 383, 2) == 2.35
    for cover in covers:
        picture = Image.open(io.BytesIO(cover.data))
        assert picture.format == "JPEG" and picture.size == (cover.width, cover.height)
        assert len(cover.data) < MAX_BYTES
        assert not picture.getexif() and "exif" not in picture.info
        assert cover.name == f"cover-{cover.width}x{cover.height}.jpg"


def test_a_source_smaller_than_a_cover_is_flagged_as_upscaled(tmp_path: Path) -> None:
    large = make_covers(_banded(tmp_path / "large.jpg", (1600, 1200), vertical=True))
    assert [cover.upscaled for cover in large] == [False, False]
    # 800x600: the 2.35:1 crop is 800x340, narrower than 900; the square crop 600x600 is enough.
    medium = make_covers(_banded(tmp_path / "medium.jpg", (800, 600), vertical=True))
    assert [cover.upscaled for cover in medium] == [True, False]


def test_wide_source_is_cropped_at_the_sides_keeping_the_centre(tmp_path: Path) -> None:
    # 1800x600 in three 600px bands: a square from the centre is all green.
    (_, square) = make_covers(_banded(tmp_path / "wide.jpg", (1800, 600), vertical=True))
    picture = Image.open(io.BytesIO(square.data))
    for x in (5, 250, 494):
        assert _close(picture.getpixel((x, 250)), GREEN), x


def test_tall_source_is_cropped_top_and_bottom_keeping_the_centre(tmp_path: Path) -> None:
    # 900x1500 in three 500px bands: a 900x383 crop from the middle is all green;
    # a crop from the top would be red and one from the bottom blue.
    (banner, square) = make_covers(_banded(tmp_path / "tall.jpg", (900, 1500), vertical=False))
    picture = Image.open(io.BytesIO(banner.data))
    for y in (3, 190, 379):
        assert _close(picture.getpixel((450, y)), GREEN), y
    # The 900x900 square for 500x500 spans 300..1200: red top edge, green middle, blue bottom edge.
    picture = Image.open(io.BytesIO(square.data))
    assert _close(picture.getpixel((250, 20)), RED)
    assert _close(picture.getpixel((250, 250)), GREEN)
    assert _close(picture.getpixel((250, 480)), BLUE)


def test_centre_crop_keeps_the_full_height_of_a_wide_picture() -> None:
    picture = Image.new("RGB", (3000, 383), GREEN)
    picture.paste(RED, (0, 0, 1050, 383))
    picture.paste(BLUE, (1950, 0, 3000, 383))
    cropped = centre_crop(picture, 900, 383)
    assert cropped.size == (900, 383)
    assert _close(cropped.getpixel((0, 100)), GREEN) and _close(cropped.getpixel((899, 100)), GREEN)


def test_quality_is_lowered_until_the_file_fits() -> None:
    noise = Image.effect_noise((900, 383), 128).convert("RGB")
    best = encode_jpeg(noise)
    assert len(best) < MAX_BYTES
    smaller = encode_jpeg(noise, max_bytes=len(best) // 2)
    assert len(smaller) < len(best) // 2
    with pytest.raises(CoverError, match="quality"):
        encode_jpeg(noise, max_bytes=1000)


def test_transparent_png_is_laid_on_white(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    Image.new("RGBA", (600, 600), (0, 0, 0, 0)).save(source)
    (_, square) = make_covers(source)
    assert _close(Image.open(io.BytesIO(square.data)).getpixel((250, 250)), (255, 255, 255))


def test_write_covers_writes_both_files_into_the_given_folder(tmp_path: Path) -> None:
    source = _banded(tmp_path / "source.jpg", (1200, 800), vertical=True)
    folder = tmp_path / "output" / "wechat" / "story"
    covers = write_covers(source, folder, CoverCache(tmp_path / "cache"))
    assert sorted(path.name for path in folder.iterdir()) == ["cover-500x500.jpg", "cover-900x383.jpg"]
    made = make_covers(source)
    assert [(folder / cover.name).read_bytes() for cover in covers] == [cover.data for cover in made]
    assert [cover.length for cover in covers] == [len(cover.data) for cover in made]


def _no_encoding(_source: Path) -> list:
    raise AssertionError("covers were encoded again")


def test_one_picture_is_encoded_once_and_kept_between_builds(tmp_path: Path, monkeypatch) -> None:
    source = _banded(tmp_path / "source.jpg", (800, 600), vertical=True)
    cache_dir = tmp_path / "cache"
    first = write_covers(source, tmp_path / "output" / "a", CoverCache(cache_dir))
    monkeypatch.setattr("channels.covers.make_covers", _no_encoding)
    # Another story with the same picture under another name, in this build and the next one.
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(source.read_bytes())
    next_build = CoverCache(cache_dir)
    assert write_covers(copy, tmp_path / "output" / "b", next_build) == first  # same sizes and flags
    for cover in first:
        assert (tmp_path / "output/a" / cover.name).read_bytes() == (
            tmp_path / "output/b" / cover.name
        ).read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cache", "copy.jpg", "output", "source.jpg"]


def test_a_changed_picture_makes_new_covers_whatever_its_file_time(tmp_path: Path) -> None:
    source = _banded(tmp_path / "source.jpg", (800, 600), vertical=True)
    folder, cache_dir = tmp_path / "output", tmp_path / "cache"
    first = write_covers(source, folder, CoverCache(cache_dir))
    first_bytes = (folder / first[0].name).read_bytes()
    stamp = source.stat().st_mtime
    _banded(source, (1600, 1200), vertical=False)
    os.utime(source, (stamp - 100, stamp - 100))  # an older time than the cached covers
    again = write_covers(source, folder, CoverCache(cache_dir))
    assert [cover.upscaled for cover in again] == [False, False] != [cover.upscaled for cover in first]
    assert (folder / again[0].name).read_bytes() != first_bytes


def test_an_unchanged_cover_file_is_not_rewritten(tmp_path: Path) -> None:
    source = _banded(tmp_path / "source.jpg", (800, 600), vertical=True)
    folder = tmp_path / "output"
    (cover, _) = write_covers(source, folder, CoverCache(tmp_path / "cache"))
    os.utime(folder / cover.name, (1_000_000, 1_000_000))
    write_covers(source, folder, CoverCache(tmp_path / "cache"))
    assert (folder / cover.name).stat().st_mtime == 1_000_000


def test_prune_keeps_only_the_pictures_this_build_used(tmp_path: Path, monkeypatch) -> None:
    old = _banded(tmp_path / "old.jpg", (800, 600), vertical=True)
    new = _banded(tmp_path / "new.jpg", (800, 600), vertical=False)
    cache_dir = tmp_path / "cache"
    first = CoverCache(cache_dir)
    first.covers(old)
    first.covers(new)
    assert len(list(cache_dir.iterdir())) == 2
    second = CoverCache(cache_dir)
    second.covers(new)
    second.prune()
    assert len(list(cache_dir.iterdir())) == 1
    monkeypatch.setattr("channels.covers.make_covers", _no_encoding)
    CoverCache(cache_dir).covers(new)  # still cached


def test_a_half_written_cache_entry_is_made_again(tmp_path: Path) -> None:
    source = _banded(tmp_path / "source.jpg", (800, 600), vertical=True)
    cache_dir = tmp_path / "cache"
    made = CoverCache(cache_dir).covers(source)
    (entry,) = cache_dir.iterdir()
    (entry / made[0].name).unlink()
    assert CoverCache(cache_dir).covers(source) == made


def test_cached_covers_know_a_sideways_photo_is_upright(tmp_path: Path) -> None:
    source = tmp_path / "phone.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # stored 1000x600, shown 600x1000: too narrow for the 900-wide cover
    Image.new("RGB", (1000, 600), (200, 30, 30)).save(source, exif=exif)
    fresh = CoverCache(tmp_path / "cache").covers(source)
    assert [cover.upscaled for cover in CoverCache(tmp_path / "cache").covers(source)] == [
        cover.upscaled for cover in fresh
    ]
    assert fresh[0].upscaled


def test_unreadable_source_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "broken.jpg"
    source.write_text("not an image")
    with pytest.raises(CoverError, match=r"broken\.jpg"):
        make_covers(source)
