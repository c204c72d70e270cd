"""WeChat cover images (封面): 900x383 (2.35:1) for the message card and 500x500 for shares.

Made with Pillow from the story's lead image (its Cover, else its first image), centre-cropped to
each shape, saved as baseline JPEG without EXIF or other metadata and under 1 MB.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .media import write_if_changed

COVER_SIZES: tuple[tuple[int, int], ...] = ((900, 383), (500, 500))
MAX_BYTES = 1_000_000
ORIENTATION_TAG = 0x0112
QUALITIES = (90, 85, 80, 75, 70, 60, 50, 40, 30)  # tried in order until the file is small enough


class CoverError(ValueError):
    """The cover source cannot be read or cannot be made small enough; the message names the file."""


@dataclass(frozen=True)
class Cover:
    name: str  # file name, e.g. "cover-900x383.jpg"
    width: int
    height: int
    data: bytes  # the JPEG
    upscaled: bool = False  # the source had fewer pixels than the cover: it will look blurred


def cover_name(width: int, height: int) -> str:
    return f"cover-{width}x{height}.jpg"


def crop_size(source_width: int, source_height: int, width: int, height: int) -> tuple[int, int]:
    """The largest region of the source with the target aspect ratio."""
    if source_width * height > source_height * width:  # too wide: trim left and right
        return round(source_height * width / height), source_height
    return source_width, round(source_width * height / width)  # too tall: trim top and bottom


def centre_crop(picture: Image.Image, width: int, height: int) -> Image.Image:
    """The largest centred region of `picture` with the target aspect ratio, scaled to width x height."""
    source_width, source_height = picture.size
    crop_width, crop_height = crop_size(source_width, source_height, width, height)
    left = (source_width - crop_width) // 2
    top = (source_height - crop_height) // 2
    region = picture.crop((left, top, left + crop_width, top + crop_height))
    return region.resize((width, height), Image.Resampling.LANCZOS)


def _flat_rgb(picture: Image.Image) -> Image.Image:
    """RGB with transparency laid on white (JPEG has no alpha; black would be the default)."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return picture.convert("RGB")


def encode_jpeg(picture: Image.Image, max_bytes: int = MAX_BYTES) -> bytes:
    """JPEG bytes at the best quality in QUALITIES that fits `max_bytes`, with no metadata."""
    for quality in QUALITIES:
        buffer = io.BytesIO()
        # No exif/icc_profile arguments: Pillow then writes none, whatever the source carried.
        picture.save(buffer, "JPEG", quality=quality, optimize=True)
        if buffer.tell() < max_bytes:
            return buffer.getvalue()
    raise CoverError(f"a cover stays over {max_bytes} bytes even at JPEG quality {QUALITIES[-1]}")


def make_covers(source: Path) -> list[Cover]:
    """Every cover size from the image file `source`."""
    try:
        with Image.open(source) as opened:
            # Turn the pixels upright first: the EXIF orientation tag is dropped with the rest.
            picture = _flat_rgb(ImageOps.exif_transpose(opened))
    except (UnidentifiedImageError, OSError) as error:
        raise CoverError(f"{source}: cannot be read as an image for the WeChat cover ({error})") from error
    try:
        return [
            Cover(
                cover_name(width, height),
                width,
                height,
                encode_jpeg(centre_crop(picture, width, height)),
                upscaled=crop_size(*picture.size, width, height)[0] < width,
            )
            for width, height in COVER_SIZES
        ]
    except CoverError as error:
        raise CoverError(f"{source}: {error}") from error


def _upright_size(source: Path) -> tuple[int, int]:
    """The picture's size as shown, read from its header (EXIF orientations 5-8 turn it sideways)."""
    with Image.open(source) as opened:
        width, height = opened.size
        return (
            (height, width) if opened.getexif().get(ORIENTATION_TAG, 1) in (5, 6, 7, 8) else (width, height)
        )


def _reuse_covers(source: Path, folder: Path) -> list[Cover] | None:
    """The covers an earlier build wrote, when they are all there and newer than the source."""
    targets = [(folder / cover_name(width, height), width, height) for width, height in COVER_SIZES]
    source_time = source.stat().st_mtime
    if not all(path.is_file() and path.stat().st_mtime >= source_time for path, _, _ in targets):
        return None
    try:
        size = _upright_size(source)
    except (UnidentifiedImageError, OSError):
        return None
    return [
        Cover(
            path.name, width, height, path.read_bytes(), upscaled=crop_size(*size, width, height)[0] < width
        )
        for path, width, height in targets
    ]


def write_covers(source: Path, folder: Path) -> list[Cover]:
    """The covers from `source`, written into `folder` (under output/, never content/). Encoding is
    the slow part of a build, so covers an earlier build wrote from the same picture are reused."""
    reused = _reuse_covers(source, folder)
    if reused is not None:
        return reused
    covers = make_covers(source)
    for cover in covers:
        write_if_changed(folder, cover.name, cover.data)
    return covers
