"""Builds mail for the tests, byte by byte, so each test controls exactly what the importer sees."""

import base64
import io
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
