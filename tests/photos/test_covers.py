"""WeChat covers, two of the store's recipes: both sizes, centre-cropped, small JPEGs without EXIF."""

from pathlib import Path

from channels.wechat import cover_upscaled
from photos.recipes import COVER_MAX_BYTES, COVER_RECIPES, WECHAT_BANNER, WECHAT_SQUARE
from photos.store import PhotoStore
from PIL import Image

RED, GREEN, BLUE = (220, 30, 30), (30, 180, 30), (30, 30, 220)


def _banded(content: Path, name: str, size: tuple[int, int], vertical: bool) -> str:
    """Three equal bands, red / green / blue, left to right (vertical bands) or top to bottom."""
    width, height = size
    picture = Image.new("RGB", size, GREEN)
    third = (width if vertical else height) // 3
    picture.paste(RED, (0, 0, third, height) if vertical else (0, 0, width, third))
    picture.paste(BLUE, (width - third, 0, width, height) if vertical else (0, height - third, width, height))
    exif = Image.Exif()
    exif[0x010F] = "Test Camera Maker"
    (content / "images").mkdir(parents=True, exist_ok=True)
    picture.save(content / "images" / name, "JPEG", quality=95, exif=exif)
    return f"images/{name}"


def _covers(tmp_path: Path, name: str, size: tuple[int, int], vertical: bool = True):
    content = tmp_path / "content"
    source = _banded(content, name, size, vertical)
    store = PhotoStore(tmp_path / "store", content)
    store.ask(source, COVER_RECIPES, "stories/test.md")
    store.make(1)
    photo = store.photo(source)
    pictures = [
        Image.open(store.folder / photo.variant(r).path.removeprefix("photos/")) for r in COVER_RECIPES
    ]
    return photo, pictures


def _close(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))


def test_both_sizes_are_small_jpegs_without_exif(tmp_path: Path) -> None:
    photo, pictures = _covers(tmp_path, "source.jpg", (1600, 1200))
    assert [p.size for p in pictures] == [(900, 383), (500, 500)]
    for recipe, picture in zip(COVER_RECIPES, pictures, strict=True):
        assert picture.format == "JPEG" and not picture.getexif()
        assert photo.variant(recipe).length < COVER_MAX_BYTES


def test_a_source_smaller_than_a_cover_is_flagged_ascover_upscaled(tmp_path: Path) -> None:
    large, _ = _covers(tmp_path / "large", "large.jpg", (1600, 1200))
    assert [cover_upscaled(large, r) for r in COVER_RECIPES] == [False, False]
    # 800x600: the 2.35:1 crop is 800x340, narrower than 900; the square crop 600x600 is enough.
    medium, _ = _covers(tmp_path / "medium", "medium.jpg", (800, 600))
    assert [cover_upscaled(medium, r) for r in COVER_RECIPES] == [True, False]


def test_wide_source_is_cropped_at_the_sides_keeping_the_centre(tmp_path: Path) -> None:
    _, (_, square) = _covers(tmp_path, "wide.jpg", (1800, 600))
    for x in (5, 250, 494):
        assert _close(square.getpixel((x, 250)), GREEN), x


def test_tall_source_is_cropped_top_and_bottom_keeping_the_centre(tmp_path: Path) -> None:
    _, (banner, square) = _covers(tmp_path, "tall.jpg", (900, 1500), vertical=False)
    for y in (3, 190, 379):
        assert _close(banner.getpixel((450, y)), GREEN), y
    # The 900x900 square for 500x500 spans 300..1200: red top edge, green middle, blue bottom edge.
    assert _close(square.getpixel((250, 20)), RED)
    assert _close(square.getpixel((250, 250)), GREEN)
    assert _close(square.getpixel((250, 480)), BLUE)


def test_quality_is_lowered_until_the_file_fits(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "images").mkdir(parents=True)
    Image.effect_noise((2400, 1022), 128).convert("RGB").save(content / "images" / "noise.png")
    store = PhotoStore(tmp_path / "store", content)
    store.ask("images/noise.png", (WECHAT_BANNER, WECHAT_SQUARE), "stories/test.md")
    store.make(1)
    for recipe in (WECHAT_BANNER, WECHAT_SQUARE):
        assert store.photo("images/noise.png").variant(recipe).length < COVER_MAX_BYTES
