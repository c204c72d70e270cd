"""Builds mail for the tests, byte by byte, so each test controls exactly what the importer sees."""

import base64
import io
import random
import re
import zipfile
from pathlib import Path

from PIL import Image

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def b64(data: bytes) -> bytes:
    text = base64.b64encode(data)
    return b"\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def encoded_word(text: str, charset: str = "utf-8") -> str:
    codec = "gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset
    return f"=?{charset}?B?{base64.b64encode(text.encode(codec)).decode()}?="


def message(
    body: bytes | str = "江苏省某协会组织志愿者开展社区防疫宣传，服务居民三百余人次。",
    *,
    subject: str | bytes = "【工作动态】志愿者开展社区防疫宣传",
    sender: str | bytes = "南京市测试志愿者协会 <test@example.com>",
    content_type: str = "text/plain; charset=utf-8",
    encoding: str = "8bit",
    date: str | None = "Tue, 18 Feb 2020 10:30:00 +0800",
    extra_headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """One message. Text headers are sent as UTF-8 encoded-words; bytes headers go in raw."""

    def header(name: str, value: str | bytes) -> bytes:
        if isinstance(value, bytes):
            return name.encode() + b": " + value + b"\r\n"
        if name in ("Subject", "From") and not value.isascii():
            if name == "From" and "<" in value:
                display, address = value.split("<", 1)
                value = f"{encoded_word(display.strip())} <{address}"
            else:
                value = encoded_word(value)
        return f"{name}: {value}\r\n".encode()

    if isinstance(body, str):
        body = body.replace("\n", "\r\n").encode("utf-8")
        if encoding == "base64":
            body = b64(body) + b"\r\n"
    head = header("From", sender) + header("To", "jsmzshzz@163.com") + header("Subject", subject)
    if date:
        head += header("Date", date)
    head += b"MIME-Version: 1.0\r\n" + header("Content-Type", content_type)
    head += header("Content-Transfer-Encoding", encoding)
    for name, value in extra_headers:
        head += header(name, value)
    return head + b"\r\n" + body


def multipart(parts: list[bytes], subtype: str = "mixed", boundary: str = "BOUNDARY-42", **kwargs) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    return message(
        body, content_type=f'multipart/{subtype}; boundary="{boundary}"', encoding="7bit", **kwargs
    )


def part(
    data: bytes, content_type: str, *, headers: tuple[bytes, ...] = (), encoding: str = "base64"
) -> bytes:
    payload = b64(data) if encoding == "base64" else data
    head = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n".encode()
    return head + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + payload


def text_part(text: str, subtype: str = "plain", charset: str = "utf-8") -> bytes:
    codec = "gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else charset
    return part(text.encode(codec), f"text/{subtype}; charset={charset}")


def jpeg_with_gps(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = image.getexif()
    exif[0x010F] = "TestCam"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (32.0, 3.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return out.getvalue()


def docx(paragraphs: list[str]) -> bytes:
    """A minimal valid .docx (what Word writes, less everything optional)."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def mbox(messages: list[bytes]) -> bytes:
    out = b""
    for data in messages:
        lines = data.replace(b"\r\n", b"\n").split(b"\n")
        escaped = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in lines)
        out += b"From - Tue Feb 18 10:30:00 2020\n" + escaped.rstrip(b"\n") + b"\n\n"
    return out


def maildir(path: Path, messages: list[bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(messages):
        write(path / "cur" / f"{1582000000 + number}.M{number}P1.test:2,S", data)
    return path


# --- Damaged mail, for the fuzz test: real-looking submissions, then damaged as on the way ---------

FUZZ_BOUNDARY = "----=_Part_20200218_1030"


def _fuzz_story(number: int) -> str:
    return (
        f"南京市第{number}志愿者协会组织志愿者开展社区防疫宣传，累计服务居民{number}百余人次。\n"
        f"协会第{number}支服务队在卡口值守，为居民代购生活物资，发放宣传资料两千份。\n"
        "各位志愿者克服困难，坚守岗位，得到社区居民一致好评。"
    )


FUZZ_SHAPES = 7


def fuzz_original(number: int, shape: int) -> bytes:
    """An undamaged submission of one of FUZZ_SHAPES shapes the importer reads (plain, GBK base64,
    alternative, attached photo, inline photo, .docx, Word's control characters), numbered `number`."""
    story = _fuzz_story(number)
    subject = f"【工作动态】第{number}志愿者协会开展防疫宣传"
    photo = jpeg_with_gps((number % 256, 80, 120)) if shape in (3, 4) else b""
    html = "".join(f"<p>{line}</p>" for line in story.splitlines())
    attached = b'Content-Disposition: attachment; filename="a.jpg"'
    docx_attached = b'Content-Disposition: attachment; filename="gao.docx"'
    shapes = [
        lambda: message(story, subject=subject),
        lambda: message(
            b64(story.encode("gbk")) + b"\r\n",
            subject=encoded_word(subject, "gbk"),
            content_type="text/plain; charset=gb2312",
            encoding="base64",
        ),
        lambda: multipart(
            [text_part(story), text_part(html, "html")],
            "alternative",
            FUZZ_BOUNDARY,
            subject=subject,
        ),
        lambda: multipart(
            [text_part(story), part(photo, "image/jpeg", headers=(attached,))],
            boundary=FUZZ_BOUNDARY,
            subject=subject,
        ),
        lambda: multipart(
            [
                text_part(html + '<p><img src="cid:photo1" alt="志愿者值守"></p>', "html"),
                part(photo, "image/jpeg", headers=(b"Content-ID: <photo1>",)),
            ],
            "related",
            FUZZ_BOUNDARY,
            subject=subject,
        ),
        lambda: multipart(
            [
                text_part("稿件见附件，请审阅。"),
                part(docx(story.splitlines()), DOCX_TYPE, headers=(docx_attached,)),
            ],
            boundary=FUZZ_BOUNDARY,
            subject=subject,
        ),
        lambda: message(story.replace("\n", "\x0b", 1) + "\x01", subject=subject + "\x0b"),
    ]
    return shapes[shape]()


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(out))
        out[position] ^= 1 << rng.randrange(8)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randint(len(data) // 5, len(data))]


def _break_boundary(data: bytes, rng: random.Random) -> bytes:
    delimiter = b"--" + FUZZ_BOUNDARY.encode()
    if delimiter not in data:
        return _mangle_headers(data, rng)
    choice = rng.randrange(4)
    if choice == 0:  # closing boundary lost
        return data.replace(delimiter + b"--", b"")
    if choice == 1:  # one delimiter line damaged
        starts = [i for i in range(len(data)) if data.startswith(delimiter, i)]
        at = rng.choice(starts) + rng.randrange(2, len(delimiter))
        return data[:at] + b"X" + data[at + 1 :]
    if choice == 2:  # the boundary parameter lost or wrong
        return data.replace(f'boundary="{FUZZ_BOUNDARY}"'.encode(), rng.choice([b"", b'boundary="other"']))
    return data.replace(b"\r\n" + delimiter + b"\r\n", b"\r\n", 1)  # first delimiter lost


def _mangle_headers(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\r\n")
    headers = [i for i, line in enumerate(lines) if re.match(rb"[A-Za-z-]+:", line)]
    for index in rng.sample(headers, min(len(headers), rng.randint(1, 3))):
        line = lines[index]
        choice = rng.randrange(4)
        if choice == 0:
            lines[index] = b""  # header deleted (a blank line ends the header block early)
        elif choice == 1:
            lines[index] = line.replace(b":", b"", 1)
        elif choice == 2:
            at = rng.randrange(len(line.split(b":")[0]) or 1)
            lines[index] = line[:at] + b"#" + line[at + 1 :]
        else:
            lines[index] = line.split(b":")[0] + b": \xff\xfe=?utf-8?B?5Lit?=" + line[len(line) // 2 :]
    return b"\r\n".join(lines)


_JUNK = (
    b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    b"\r\n".join([base64.b64encode(bytes(range(57)))] * 3),
    b"--" + FUZZ_BOUNDARY.encode(),
    b'Content-Disposition: attachment; filename="x.bin"',
    bytes(range(256)),
    b"=E4=B8=AD=E6=96=87=E4=B8=AD=E6=96=87=E4=B8=AD=E6=96=87=",
)


def _insert_junk(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\r\n")
    at = rng.randrange(len(lines) + 1)
    return b"\r\n".join([*lines[:at], rng.choice(_JUNK), *lines[at:]])


def _control_characters(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(out) + 1)
        out[at:at] = rng.choice([b"\x0b", b"\x01", b"\x1b[31m", b"\x00", b"\x0c", b"\x7f"])
    return bytes(out)


def _mixed_charsets(data: bytes, rng: random.Random) -> bytes:
    if rng.randrange(2):
        return data.replace("志愿者".encode(), "志愿者".encode("gbk"), 1)
    label = rng.choice([b"charset=gb2312", b"charset=iso-8859-1", b"charset=bogus"])
    return data.replace(b"charset=utf-8", label, 1)


MUTATIONS = (
    _flip_bytes,
    _truncate,
    _break_boundary,
    _mangle_headers,
    _insert_junk,
    _control_characters,
    _mixed_charsets,
)


def damaged_messages(count: int, seed: int) -> list[bytes]:
    """`count` submissions, each an original damaged by one to three mutations; the same seed gives
    the same messages, so a failure reproduces."""
    rng = random.Random(seed)
    damaged = []
    for number in range(count):
        data = fuzz_original(number, rng.randrange(FUZZ_SHAPES))
        for mutate in rng.sample(MUTATIONS, rng.randint(1, 3)):
            data = mutate(data, rng) or data
        damaged.append(data)
    return damaged
