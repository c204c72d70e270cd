"""A raw message read as parts: MIME structure repaired where a damaged header hid it, defects that
make it unreliable refused with the reason, its text parts as HTML, its headers as text, its date.

Pure: bytes in, parts and text out.
"""

import base64
import binascii
import email
import email.errors
import email.policy
import email.utils
import html
import re
from collections import Counter
from datetime import datetime, tzinfo
from email.message import Message

from controlchars.characters import clean_text

from .decode import UndecodableText, attachment_name, decode_bytes, decode_header_text, raw_header

RESEND = "；请来稿单位重新发送"
# Parser defects that mean the message is damaged: reported, not guessed at. (A missing closing
# boundary is salvaged when only an attachment at the end is cut: see cut_attachment.)
FATAL_DEFECTS = {
    email.errors.NoBoundaryInMultipartDefect: "邮件分为多个部分，却没有写明分隔标记，无法分开正文和附件",
    email.errors.StartBoundaryNotFoundDefect: "邮件各部分的分隔标记找不到（传输中损坏），无法分开正文和附件",
    email.errors.CloseBoundaryNotFoundDefect: "邮件结尾缺失（传输中被截断），正文可能不完整",
    email.errors.MultipartInvariantViolationDefect: "邮件的结构已损坏，无法分开正文和附件",
    email.errors.InvalidBase64CharactersDefect: "邮件中 base64 编码的数据已损坏（含有非法字符）",
    email.errors.InvalidBase64LengthDefect: "邮件中 base64 编码的数据不完整（被截断）",
    email.errors.InvalidBase64PaddingDefect: "邮件中 base64 编码的数据不完整（被截断）",
}
# What a damaged message leaves in its text when parts, headers or encodings were not recognised:
# MIME header lines, boundary lines, lines of base64 or of quoted-printable. Never story text.
MIME_RESIDUE = re.compile(
    r"^\s*(?:(?:content-(?:type|transfer-encoding|disposition|id|description|location)|mime-version)\s*:"
    # A boundary line; not a story's own separator of dashes or a "--2020-02-18" date.
    r"|--(?=[-\d]*[A-Za-z=_])[\w'()+,./:=?-]{10,}\s*$"
    r"|[A-Za-z0-9+/]{40,}={0,2}\s*$"
    r"|.*(?:=[0-9A-F]{2}){8,})",
    re.IGNORECASE | re.MULTILINE,
)
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
# A multipart delimiter line followed by a part's first header line.
_DELIMITER = re.compile(rb"^--([\x21-\x7e]{6,70}?)[ \t]*\r?\n[A-Za-z-]+:", re.MULTILINE)
_CONTENT_TYPE_FIELD = re.compile(rb"^content-type[^\n]*\n(?:[ \t][^\n]*\n)*", re.IGNORECASE | re.MULTILINE)

RECOVERED_HEADER = "X-Mailbox-Import-Recovered"  # set on a message parsed again, for the note
MULTIPART_RECOVERED = "邮件的 Content-Type 头已损坏，已按正文中的分隔标记还原正文和附件，请对照原邮件核对"
# An HTML document's start, and the tags mail clients write, for a text part that is HTML after all.
_HTML_DOCUMENT = re.compile(r"\s*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta[\s>])", re.IGNORECASE)
_MAIL_TAG_NAME = (
    r"(?:p|div|br|span|font|table|tbody|tr|td|th|b|strong|i|em|u|a|img|ul|ol|li|h[1-6]|blockquote|pre|hr"
    r"|center|style)\b"
)

_MAIL_TAG = re.compile(rf"</?{_MAIL_TAG_NAME}[^<>]*>", re.IGNORECASE)
# The pieces of a tag that a damaged boundary cut in two: '<p><img ' ending one part, and 'src="a.jpg">'
# or "/p><p>" starting the next, which has no headers left and reads as plain text.
_CUT_TAG_END = re.compile(r"<[/A-Za-z][^<>]*\Z")
_CUT_TAG_START = re.compile(rf"\A\s*(?:/?{_MAIL_TAG_NAME}|[a-z-]+\s*=\s*[\"'])[^<>]*>", re.IGNORECASE)


class BadMessage(ValueError):
    """A message that cannot become a story; the text says why, for the report."""


def parse(data: bytes) -> Message:
    if not data.strip():
        raise BadMessage("邮件是空的，没有任何内容" + RESEND)
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.keys():
        raise BadMessage("没有邮件头（不是邮件，或文件开头已损坏）" + RESEND)
    message = _recovered_multipart(data, message) or message
    check_defects(message, cut_attachment(message))
    return message


def _recovered_multipart(data: bytes, message: Message) -> Message | None:
    """A multipart message whose Content-Type header was damaged reads as one text holding the whole
    MIME structure. When its body is a complete multipart (a delimiter followed by part headers, and
    the closing delimiter), it is parsed again with that boundary; the subtype is kept if still legible."""
    if message.is_multipart():
        return None
    head, blank, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    delimiter = _DELIMITER.search(body)
    if not blank or delimiter is None or b"\n--" + delimiter.group(1) + b"--" not in b"\n" + body:
        return None
    subtype = re.search(rb"multipart/(alternative|related|mixed)", head, re.IGNORECASE)
    content_type = b'Content-Type: multipart/%s; boundary="%s"\n' % (
        subtype.group(1).lower() if subtype else b"mixed",
        delimiter.group(1),
    )
    repaired = _CONTENT_TYPE_FIELD.sub(b"", head + b"\n") + content_type + b"\n" + body
    recovered = email.message_from_bytes(repaired, policy=email.policy.compat32)
    recovered[RECOVERED_HEADER] = "multipart"
    return recovered if recovered.is_multipart() else None


def check_defects(part: Message, cut: Message | None = None) -> None:
    """Raise BadMessage for a defect that makes the part unreliable; a missing closing boundary is
    tolerated when `cut` (the attachment it cut short) is dealt with on its own."""
    for defect in part.defects:
        if cut is not None and isinstance(defect, email.errors.CloseBoundaryNotFoundDefect):
            continue
        for kind, reason in FATAL_DEFECTS.items():
            if isinstance(defect, kind):
                raise BadMessage(reason + RESEND)


def cut_attachment(message: Message) -> Message | None:
    """A message cut short (closing boundary missing) whose cut falls in an attachment after every
    text part: that last attachment, which is checked or dropped; the text before it is whole,
    because a boundary follows it. None when nothing was cut or the cut is in the text."""
    if not any(
        isinstance(defect, email.errors.CloseBoundaryNotFoundDefect)
        for part in message.walk()
        for defect in part.defects
    ):
        return None
    last = list(message.walk())[-1]
    return None if last.is_multipart() or is_body(last) else last


def looks_like_html(text: str) -> bool:
    """Whether a part labelled plain text is really HTML (its type label was damaged or is wrong): it
    starts as an HTML document, or most of its lines hold tags of mail HTML."""
    if _HTML_DOCUMENT.match(text):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    tagged = sum(1 for line in lines if _MAIL_TAG.search(line))
    return len(_MAIL_TAG.findall(text)) >= 2 and tagged * 2 > len(lines)


def text_to_html(text: str) -> str:
    return "".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def content_id(part: Message) -> str:
    value = part.get("content-id")
    return str(value).strip().strip("<>") if value else ""


def part_payload(part: Message) -> bytes:
    data = part.get_payload(decode=True) or b""
    check_defects(part)
    return data


def _undeclared_base64(data: bytes) -> bytes | None:
    """A body that is nothing but base64 lines although no header says so (its Content-Transfer-
    Encoding line was damaged): the decoded bytes, or None when it is not cleanly base64."""
    lines = data.split()
    if not lines or max(len(line) for line in lines) < 40:
        return None
    if not all(_BASE64_LINE.fullmatch(line) for line in lines):
        return None
    try:
        return base64.b64decode(b"".join(lines), validate=True)
    except binascii.Error:
        return None


def _part_text(part: Message, characters: Counter[str]) -> str:
    payload = part_payload(part)
    declared = str(part.get("content-transfer-encoding") or "").strip().lower()
    if declared not in ("base64", "quoted-printable") and (decoded := _undeclared_base64(payload)):
        payload = decoded
    try:
        text = decode_bytes(payload, part.get_content_charset())
    except UndecodableText:
        raise BadMessage(
            f"正文（{part.get_content_type()}）有损坏的字节，按声明的字符集、UTF-8 和 GBK 都读不出" + RESEND
        ) from None
    # Word's manual line break (U+000B) becomes a line break; other control characters go.
    text, found = clean_text(text, "<br>" if part.get_content_type() == "text/html" else "\n")
    characters.update(found)
    return text


def header_text(message: Message, name: str, characters: Counter[str]) -> str:
    """A header as one line of text; "" when its bytes are damaged beyond decoding."""
    try:
        text = decode_header_text(raw_header(message, name))
    except UndecodableText:
        return ""
    text, found = clean_text(text, " ")
    characters.update(found)
    return text


def is_body(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and (part.get_content_disposition() or "").lower() != "attachment"
        and not attachment_name(part)
    )


def body_html(part: Message, characters: Counter[str]) -> list[str]:
    """The message's text parts as HTML, in order. Only alternatives of one text (multipart/
    alternative) are a choice, HTML first; in a mixed message every text part is kept, so a story in
    text/plain is not lost behind, say, a gateway's HTML disclaimer."""
    if part.is_multipart():
        children = part.get_payload()
        if part.get_content_subtype() == "alternative":
            chosen = [child for child in children if body_html(child, Counter())]
            best = next((c for c in chosen if c.get_content_type() != "text/plain"), None)
            return body_html(best or chosen[0], characters) if chosen else []
        return [html for child in children for html in body_html(child, characters)]
    if not is_body(part):
        return []
    text = _part_text(part, characters)
    # HTML is cleaned by the allow-list with the rest of the story (storyhtml.py). The pieces of a cut
    # tag would show it, and the part after it, as HTML source: they go.
    if part.get_content_type() == "text/html":
        return [_CUT_TAG_END.sub("", text)]
    if looks_like_html(text):
        return [_CUT_TAG_START.sub("", _CUT_TAG_END.sub("", text))]
    return [text_to_html(text)]


def message_date(message: Message, zone: tzinfo) -> datetime:
    """When the message was sent, in the site's time zone (a date without a zone is taken as one there)."""
    for value in (header_text(message, "date", Counter()), *_received_dates(message)):
        if not value:
            continue
        try:
            when = email.utils.parsedate_to_datetime(decode_header_text(value))
        except (TypeError, ValueError, IndexError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=zone)
        return when.astimezone(zone)
    raise BadMessage("邮件没有可用的发信日期（Date 或 Received 头已缺失或损坏），无法确定稿件日期" + RESEND)


def _received_dates(message: Message) -> list[str]:
    return [str(value).rsplit(";", 1)[-1] for value in message.get_all("received") or []]
