"""Photos are checked by content, refused when hostile, turned upright and stripped of all metadata."""

import io
import struct
import zlib

import pytest
from mailbox_import.media import CleanImage, ImageRejected, clean_image
from PIL import Image, ImageFile, ImageOps, PngImagePlugin

ORIENTATION, MAKE, MODEL = 0x0112, 0x010F, 0x0110
GPS_IFD = 0x8825
SECRETS = (b"Canon", b"EOS 5D", b"secret comment", b"Exif", b"xmpmeta", b"13800138000")
RED, BLUE = (255, 0, 0), (0, 0, 255)


def _red_left_blue_right(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image.convert(mode)


def _exif_with_gps_and_camera(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Canon"
    exif[MODEL] = "EOS 5D"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (32.0, 3.0, 15.5), 3: "E", 4: (118.0, 47.0, 0.0)})
    return exif


def _encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _phone_jpeg() -> bytes:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>13800138000</rdf:Description></x:xmpmeta>'
    return _encode(
        _red_left_blue_right(),
        "JPEG",
        exif=_exif_with_gps_and_camera(),
        comment=b"secret comment",
        xmp=xmp,
        icc_profile=b"\0" * 128,  # never parsed: it only has to be dropped
        quality=95,
    )


def _png_chunk_types(data: bytes) -> list[bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    types, position = [], 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        types.append(kind)
        position += 12 + length
    return types


def _png_with_patched_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR claims another size, with a correct CRC so only the size is wrong."""
    data = bytearray(_encode(Image.new("RGB", (1, 1)), "PNG"))
    ihdr_start = 8 + 8  # signature, then IHDR length and type
    data[ihdr_start : ihdr_start + 8] = struct.pack(">II", width, height)
    ihdr_body = bytes(data[ihdr_start - 4 : ihdr_start + 13])
    data[ihdr_start + 13 : ihdr_start + 17] = struct.pack(">I", zlib.crc32(ihdr_body))
    return bytes(data)


def _webp_with_patched_size(width: int, height: int) -> bytes:
    """A real lossy WebP whose VP8 frame header claims another size (14 bits each, little-endian)."""
    data = bytearray(_encode(Image.new("RGB", (16, 16), RED), "WEBP"))
    assert data[12:16] == b"VP8 " and data[23:26] == b"\x9d\x01\x2a"
    data[26:30] = struct.pack("<HH", width, height)
    return bytes(data)


def _assert_no_metadata(clean: CleanImage) -> None:
    for secret in SECRETS:
        assert secret not in clean.data, secret
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert not reread.getexif() and not reread.getexif().get_ifd(GPS_IFD)
        for key in ("exif", "comment", "xmp", "XML:com.adobe.xmp", "icc_profile", "Author", "Comment"):
            assert key not in reread.info, key
        assert (reread.width, reread.height) == (clean.width, clean.height)


def test_phone_jpeg_is_turned_upright_and_stripped() -> None:
    original = _phone_jpeg()
    with Image.open(io.BytesIO(original)) as source:  # the fixture really carries what must go
        assert source.getexif()[ORIENTATION] == 6 and source.getexif().get_ifd(GPS_IFD)
        assert source.info["comment"] == b"secret comment"
        assert "xmp" in source.info and "icc_profile" in source.info
    for secret in SECRETS:
        assert secret in original, secret

    clean = clean_image(original)

    assert (clean.extension, clean.width, clean.height) == ("jpg", 20, 40)
    _assert_no_metadata(clean)
    with Image.open(io.BytesIO(clean.data)) as upright:
        assert upright.format == "JPEG"
        # Orientation 6 means "rotate 90° clockwise to view": the stored left (red) half ends on top.
        top, bottom = upright.getpixel((10, 5)), upright.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_sha256_and_size_describe_the_written_bytes() -> None:
    import hashlib

    clean = clean_image(_phone_jpeg())
    assert clean.sha256 == hashlib.sha256(clean.data).hexdigest()
    assert clean_image(_phone_jpeg()) == clean  # same photo, same file name downstream


def test_png_text_chunks_and_exif_are_dropped_and_transparency_kept() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Zhang San 13800138000")
    info.add_text("Comment", "secret comment", zip=True)
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS</x:xmpmeta>")
    image = _red_left_blue_right(mode="RGBA")
    image.putpixel((0, 0), (0, 0, 0, 0))
    original = _encode(image, "PNG", pnginfo=info, exif=_exif_with_gps_and_camera(orientation=1))
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf"} <= set(_png_chunk_types(original))

    clean = clean_image(original)

    assert clean.extension == "png"
    assert set(_png_chunk_types(clean.data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    _assert_no_metadata(clean)
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.convert("RGBA").getpixel((0, 0))[3] == 0
        assert reread.convert("RGB").getpixel((35, 10)) == BLUE


def test_gif_comment_dropped_and_animation_flattened_to_first_frame() -> None:
    first, second = Image.new("RGB", (8, 8), RED), Image.new("RGB", (8, 8), BLUE)
    original = _encode(first, "GIF", save_all=True, append_images=[second], comment=b"secret comment")
    with Image.open(io.BytesIO(original)) as source:
        assert source.n_frames == 2 and source.info["comment"] == b"secret comment"

    clean = clean_image(original)

    assert clean.extension == "gif"
    _assert_no_metadata(clean)
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert getattr(reread, "n_frames", 1) == 1


def test_webp_exif_and_xmp_dropped() -> None:
    original = _encode(
        _red_left_blue_right(), "WEBP", exif=_exif_with_gps_and_camera(orientation=1), xmp=b"<x:xmpmeta/>"
    )
    assert b"EXIF" in original and b"XMP " in original

    clean = clean_image(original)

    assert (clean.extension, clean.width, clean.height) == ("webp", 40, 20)
    assert b"EXIF" not in clean.data and b"XMP " not in clean.data
    _assert_no_metadata(clean)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_photo_with_corrupt_exif_is_kept_and_stripped() -> None:
    plain = _encode(_red_left_blue_right(), "JPEG")
    segment = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09"
    damaged = plain[:2] + b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + plain[2:]

    clean = clean_image(damaged)

    assert (clean.width, clean.height) == (40, 20)  # orientation 9 does not exist: left as it is
    _assert_no_metadata(clean)


def test_multi_picture_jpeg_from_a_phone_is_a_jpeg() -> None:
    frames = [_red_left_blue_right(), Image.new("RGB", (40, 20), BLUE)]
    original = _encode(frames[0], "MPO", save_all=True, append_images=frames[1:])
    assert clean_image(original).extension == "jpg"


def test_cmyk_jpeg_becomes_rgb() -> None:
    clean = clean_image(_encode(_red_left_blue_right(mode="CMYK"), "JPEG"))
    with Image.open(io.BytesIO(clean.data)) as reread:
        assert reread.mode == "RGB"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (_encode(_red_left_blue_right(), "BMP"), "BMP"),
        (_encode(_red_left_blue_right(), "TIFF"), "TIFF"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
        (b'<?xml version="1.0"?>\n<svg onload="alert(1)"/>', "SVG"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (b"%PDF-1.7\n", "PDF"),
        ("这不是图片，是一段文字。".encode(), "not a JPEG, PNG, GIF or WebP"),
        (b"", "empty"),
    ],
)
def test_other_file_types_are_refused_with_a_plain_reason(payload: bytes, reason: str) -> None:
    with pytest.raises(ImageRejected, match=reason):
        clean_image(payload)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_truncated_images_are_refused(image_format: str) -> None:
    whole = _encode(_red_left_blue_right((64, 64)).effect_spread(8), image_format)
    for cut in (len(whole) // 2, 40):
        with pytest.raises(ImageRejected, match=r"damaged|cut short|truncated"):
            clean_image(whole[:cut])


def test_bomb_header_is_refused_without_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse_to_decode(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)
    monkeypatch.setattr(ImageOps, "exif_transpose", refuse_to_decode)
    with pytest.raises(ImageRejected, match="larger"):
        clean_image(_png_with_patched_size(100_000, 100_000))
    with pytest.raises(ImageRejected, match="larger"):
        clean_image(_webp_with_patched_size(16383, 16383))
    # Below Pillow's own limit, so only clean_image's pixel budget stands in the way.
    with pytest.raises(ImageRejected, match="8000x8000 pixels, more than the 40,000,000 allowed"):
        clean_image(_png_with_patched_size(8000, 8000))
    with pytest.raises(ImageRejected, match="7000x7000 pixels"):
        clean_image(_webp_with_patched_size(7000, 7000))


def test_pixel_budget_is_a_parameter() -> None:
    photo = _encode(_red_left_blue_right((100, 100)), "PNG")
    assert clean_image(photo, max_pixels=10_000).width == 100
    with pytest.raises(ImageRejected, match="100x100"):
        clean_image(photo, max_pixels=9_999)
