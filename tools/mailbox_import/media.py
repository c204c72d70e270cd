"""Cleans submitted photos before they are published: checked, turned upright, stripped, re-encoded.

Phone photos carry GPS coordinates, camera serials and comments; a public site must not pass them on.
The type is judged from the bytes, never from the attachment's name, and the pixel count is checked
from the header before any pixels are decoded, so a small file claiming a huge image costs nothing.
Re-encoding from the pixels alone (with an empty info dict) drops every metadata block Pillow knows
of: EXIF (GPS, camera), XMP, ICC profiles, JPEG COM comments, PNG text chunks, GIF comments.
Animated GIF and WebP files keep only their first frame, like a photo.
"""

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

_OPENERS = ["JPEG", "PNG", "GIF", "WEBP"]
# Pillow reports a JPEG with a second, multi-picture frame (common from phones) as MPO.
_EXTENSION = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
_ACCEPTED_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
_OUTPUT_FORMAT = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_ENCODER_OPTIONS = {"jpg": {"quality": 90}, "webp": {"quality": 90}, "png": {}, "gif": {}}
# Common things mailed in place of a photo, named so the editor knows what to ask the sender for.
_KNOWN_OTHERS = (
    (0, b"BM", "a BMP image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (4, b"ftypheic", "a HEIC photo (iPhone format)"),
    (4, b"ftypmif1", "a HEIF photo"),
    (0, b"%PDF", "a PDF document"),
)
_ASK = "ask the sender for a JPEG, PNG, GIF or WebP file"


class ImageRejected(ValueError):
    """The attachment cannot be published as an image; the message says why in plain words."""


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded, metadata-free image ready to be written under content/images/."""

    data: bytes
    extension: str
    width: int
    height: int
    sha256: str


def _describe_unaccepted(data: bytes) -> str:
    if data.startswith(_ACCEPTED_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "the image header is damaged or cut short; ask the sender to send the photo again"
    for offset, magic, name in _KNOWN_OTHERS:
        if data[offset : offset + len(magic)] == magic:
            return f"the file is {name}, which the site does not publish; {_ASK}"
    head = data[:512].lstrip().lower()
    if b"<svg" in head or head.startswith(b"<?xml"):
        return f"the file is an SVG drawing, which can carry scripts; {_ASK}"
    return f"the file is not a JPEG, PNG, GIF or WebP image; {_ASK}"


def clean_image(data: bytes, max_pixels: int = 40_000_000) -> CleanImage:
    """Check and re-encode one image, or raise ImageRejected saying why it cannot be used."""
    if not data:
        raise ImageRejected("the file is empty")
    try:
        image = Image.open(io.BytesIO(data), formats=_OPENERS)
    except UnidentifiedImageError as error:
        raise ImageRejected(_describe_unaccepted(data)) from error
    except Image.DecompressionBombError as error:
        raise ImageRejected(f"the image claims to be far larger than a photo ({error})") from error
    except Exception as error:  # a hostile header can break a decoder in many ways
        raise ImageRejected(f"the image header is damaged ({error})") from error
    with image:
        width, height = image.size
        if width * height > max_pixels:
            raise ImageRejected(
                f"the image claims {width}x{height} pixels, more than the {max_pixels:,} allowed;"
                " it may be a decompression bomb, or ask the sender for a smaller version"
            )
        extension = _EXTENSION[image.format]
        try:
            image.load()  # first frame only
            upright = ImageOps.exif_transpose(image)
        except Exception as error:
            raise ImageRejected(f"the image data is truncated or damaged ({error})") from error
    return _encode(upright, extension)


def _encode(image: Image.Image, extension: str) -> CleanImage:
    options = dict(_ENCODER_OPTIONS[extension])
    if extension in ("png", "gif") and image.info.get("transparency") is not None:
        options["transparency"] = image.info["transparency"]
    if extension == "jpg" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    # Pillow's encoders copy comments, ICC profiles and PNG text from info; give them nothing to copy.
    image.info.clear()
    buffer = io.BytesIO()
    image.save(buffer, format=_OUTPUT_FORMAT[extension], **options)
    data = buffer.getvalue()
    return CleanImage(
        data=data,
        extension=extension,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )
