"""WeChat cover images (封面): 900x383 (2.35:1) for the message card and 500x500 for shares.

Made with Pillow from the story's lead image (its Cover, else its first image), centre-cropped to
each shape, saved as baseline JPEG without EXIF or other metadata and under 1 MB.
"""

import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError

from .feedcache import write_if_changed

COVER_SIZES: tuple[tuple[int, int], ...] = ((900, 383), (500, 500))
MAX_BYTES = 1_000_000
QUALITIES = (90, 85, 80, 75, 70, 60, 50, 40, 30)  # tried in order until the file is small enough
# Everything besides the picture that decides the covers' bytes: part of the cache key. Change
# COVER_CODE_VERSION whenever make_covers changes what it makes from the same picture.
COVER_CODE_VERSION = 1
RECIPE = f"{COVER_CODE_VERSION} {COVER_SIZES} {QUALITIES} {MAX_BYTES} Pillow {PIL.__version__}"
MANIFEST = "covers.json"


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


class CoverCache:
    """Covers by source picture, kept between builds in `folder` (under Pelican's CACHE_PATH).

    Encoding is the slow part, so a picture is made into covers once: an entry is keyed by the
    picture's bytes and everything else that decides the result (sizes, qualities, Pillow version),
    so a changed picture or recipe makes new covers, whatever the file times say. Entries no build
    has used since the last `prune()` are removed then, which keeps the cache as small as the window.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made: dict[str, list[Cover]] = {}

    def covers(self, source: Path) -> list[Cover]:
        """Every cover size from the image file `source`; raises CoverError naming it."""
        try:
            data = source.read_bytes()
        except OSError as error:
            raise CoverError(f"{source}: cannot be read ({error})") from error
        key = hashlib.sha256(RECIPE.encode() + b"\0" + data).hexdigest()
        if key not in self._made:
            self._made[key] = self._read(key) or self._store(key, make_covers(source))
        return self._made[key]

    def _read(self, key: str) -> list[Cover] | None:
        folder = self.folder / key
        try:
            entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return [
                Cover(e["name"], e["width"], e["height"], (folder / e["name"]).read_bytes(), e["upscaled"])
                for e in entries
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not there, or left half-written by an interrupted build: made again

    def _store(self, key: str, covers: list[Cover]) -> list[Cover]:
        entry = self.folder / key
        manifest = [
            {"name": c.name, "width": c.width, "height": c.height, "upscaled": c.upscaled} for c in covers
        ]
        try:
            entry.mkdir(parents=True, exist_ok=True)
            for cover in covers:
                _replace_file(entry / cover.name, cover.data)
            _replace_file(entry / MANIFEST, json.dumps(manifest).encode("utf-8"))  # last: the entry is whole
        except OSError:
            pass  # e.g. another build pruning the same cache: the covers are made, only not kept
        return covers

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            if entry.name not in self._made:
                shutil.rmtree(entry, ignore_errors=True)


def _replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all (a reader never sees half a file)."""
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)


@dataclass(frozen=True)
class CoverFile:
    """A cover written into the output folder, as a preview page and the WeChat feed describe it."""

    name: str
    width: int
    height: int
    length: int  # bytes
    upscaled: bool


def write_covers(source: Path, folder: Path, cache: CoverCache) -> list[CoverFile]:
    """The covers from `source`, written into `folder` (under output/, never content/) unless a file
    there already has the same bytes."""
    covers = cache.covers(source)
    for cover in covers:
        write_if_changed(folder, cover.name, cover.data)
    return [CoverFile(c.name, c.width, c.height, len(c.data), c.upscaled) for c in covers]
