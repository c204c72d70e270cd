"""What the store makes from a picture: recipes (a width or an exact crop, a format, a quality) and
how each one is encoded with Pillow.

Widths and qualities were chosen by measurement on phone photos (README.md, "Choosing the sizes"):
WebP at quality 72 is about a third smaller than JPEG at the same look, and 480/720/1080/1440 px
cover a phone (375-430 px at 2-3x), a tablet and a desktop column (42rem) without a width
more than about 1.5 times the one shown.
"""

import io
from dataclasses import dataclass

import PIL
from PIL import Image, ImageOps, features

# Change when make_variants makes different bytes from the same picture and recipe: every variant's
# name, and so every page that shows it, changes with it.
CODE_VERSION = 1
ENCODER = (
    f"photos {CODE_VERSION} Pillow {PIL.__version__} webp {features.version('webp')} "
    f"jpeg {features.version('jpg')}"
)
JPEG_QUALITIES = (82, 75, 65, 55, 45, 35)  # a crop with a byte limit tries these in order


@dataclass(frozen=True)
class Recipe:
    """One derived picture: at most `width` px wide (never wider than the source), or exactly
    `crop` (width, height), centre-cropped; in `format` ("WEBP" or "JPEG") at `quality`."""

    name: str
    format: str
    quality: int
    width: int = 0
    crop: tuple[int, int] | None = None
    max_bytes: int = 0  # 0: no limit; else the JPEG quality is lowered until the file fits

    @property
    def extension(self) -> str:
        return ".webp" if self.format == "WEBP" else ".jpg"

    @property
    def mime(self) -> str:
        return "image/webp" if self.format == "WEBP" else "image/jpeg"

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """The derived picture's size from an upright source of `width` x `height`."""
        if self.crop:
            return self.crop
        if width <= self.width:
            return width, height
        return self.width, max(1, round(height * self.width / width))

    def spec(self, width: int, height: int) -> str:
        """Everything that decides the bytes besides the source: part of the variant's name, so
        recipes that come to the same size for a small source share one file."""
        size = self.size_for(width, height)
        limit = f" <{self.max_bytes}" if self.max_bytes else ""
        return f"{self.format} q{self.quality} {size[0]}x{size[1]}{' crop' if self.crop else ''}{limit}"


# The widths a page offers in srcset (WebP), the plain src for browsers without srcset (JPEG), the
# large JPEG that feeds, Weibo and the 公众号 editor take, and the two WeChat covers.
RESPONSIVE = tuple(Recipe(f"webp-{width}", "WEBP", 72, width=width) for width in (480, 720, 1080, 1440))
FALLBACK = Recipe("jpeg-720", "JPEG", 75, width=720)
LARGE = Recipe("jpeg-1440", "JPEG", 80, width=1440)
PAGE_RECIPES = (*RESPONSIVE, FALLBACK, LARGE)
# A story's lead photo in listings (a 96-px box: 240 px covers 2.5x) and in 图片新闻 (about half a
# phone's width: 480 px at 2x, 240 px on a small screen at 1x).
THUMBNAIL = Recipe("webp-240", "WEBP", 70, width=240)
LEAD_RECIPES = (THUMBNAIL, RESPONSIVE[0])
COVER_MAX_BYTES = 1_000_000  # WeChat's limit for a cover
WECHAT_BANNER = Recipe("cover-900x383", "JPEG", 90, crop=(900, 383), max_bytes=COVER_MAX_BYTES)
WECHAT_SQUARE = Recipe("cover-500x500", "JPEG", 90, crop=(500, 500), max_bytes=COVER_MAX_BYTES)
COVER_RECIPES = (WECHAT_BANNER, WECHAT_SQUARE)


def upright(picture: Image.Image) -> Image.Image:
    """The first frame, turned upright by its EXIF orientation, in a mode WebP and JPEG take:
    RGB, or RGBA when it has transparency; CMYK and 16-bit pictures are converted."""
    picture = ImageOps.exif_transpose(picture)
    mode = picture.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale to 8 bits (a plain convert("L") would clip everything above 255 to white).
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
        mode = "L"
    has_alpha = mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in picture.info)
    return picture.convert("RGBA" if has_alpha else "RGB")


def _flattened(picture: Image.Image) -> Image.Image:
    """RGB with any transparency laid on white (JPEG has no alpha; black would be the default)."""
    if picture.mode != "RGBA":
        return picture
    background = Image.new("RGB", picture.size, "white")
    background.paste(picture, mask=picture.getchannel("A"))
    return background


def _centre_crop(picture: Image.Image, width: int, height: int) -> Image.Image:
    source_width, source_height = picture.size
    if source_width * height > source_height * width:  # too wide: trim left and right
        crop_width, crop_height = round(source_height * width / height), source_height
    else:
        crop_width, crop_height = source_width, round(source_width * height / width)
    left, top = (source_width - crop_width) // 2, (source_height - crop_height) // 2
    return picture.resize(
        (width, height), Image.Resampling.LANCZOS, box=(left, top, left + crop_width, top + crop_height)
    )


def _encode(picture: Image.Image, recipe: Recipe, quality: int) -> bytes:
    buffer = io.BytesIO()
    # No exif= argument: Pillow then writes none (no GPS, no camera serial), whatever the source had.
    if recipe.format == "WEBP":
        picture.save(buffer, "WEBP", quality=quality, method=4)
    else:
        picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def scale_needed(recipe: Recipe, width: int, height: int) -> float:
    """The fraction of an upright `width` x `height` source the recipe needs (1: the full size)."""
    target_width, target_height = recipe.size_for(width, height)
    return min(1.0, max(target_width / width, target_height / height))


def encode(
    picture: Image.Image, recipe: Recipe, size: tuple[int, int], resized_before: dict | None = None
) -> bytes:
    """The derived picture's bytes at `size` (`recipe.size_for` the source's full size) from an
    upright picture (see `upright`), which may have been decoded smaller than the source.
    `resized_before` keeps the picture's resized copies by size, for the recipes that follow: WebP
    and JPEG at the same width share one resize (the same pixels, a tenth of a phone photo's time)."""
    width, height = size
    if recipe.crop:
        resized = _centre_crop(picture, width, height)
    elif (width, height) == picture.size:
        resized = picture
    elif resized_before is not None and size in resized_before:
        resized = resized_before[size]
    else:
        resized = picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        if resized_before is not None:
            resized_before[size] = resized
    if recipe.format == "JPEG":
        resized = _flattened(resized)
    if not recipe.max_bytes:
        return _encode(resized, recipe, recipe.quality)
    for quality in (recipe.quality, *(q for q in JPEG_QUALITIES if q < recipe.quality)):
        data = _encode(resized, recipe, quality)
        if len(data) < recipe.max_bytes:
            return data
    return data  # still over the limit at the lowest quality: the caller's check names the file
