"""Turning the bytes of a message into text: charsets, encoded headers, attachment names.

Chinese mail clients label GBK text as gb2312 (or send it with no label, or raw in headers), so every
GB-family label is read as gb18030, its superset, and unlabelled 8-bit text is tried as UTF-8 first,
then gb18030. Text is only ever decoded strictly: U+FFFD never replaces text that was valid in its
real charset.
"""

import codecs
import email.errors
import email.header
import email.message
import email.utils
from email.message import Message

# Labels that in practice mean "some member of the GB family": read them all as the superset.
GB_LABELS = frozenset(
    {
        "gb2312",
        "gbk",
        "cp936",
        "x-gbk",
        "gb_2312-80",
        "euc-cn",
        "csgb2312",
        "x-euc-cn",
        "chinese",
        "iso-ir-58",
        "ms936",
        "windows-936",
        "gb18030",
        "hz-gb-2312",
    }
)
# The charsets tried, in order, for bytes whose label is missing or wrong.
FALLBACK_CHARSETS = ("utf-8", "gb18030")


class UndecodableText(ValueError):
    """Bytes that are not valid text in their declared charset nor in any fallback."""


def normalize_charset(label: str | None) -> str | None:
    """The Python codec to use for a MIME charset label, or None when the label is unknown."""
    if not label:
        return None
    cleaned = label.strip().strip('"').lower()
    if cleaned in GB_LABELS:
        return "gb18030"
    if cleaned in {"unknown-8bit", "x-unknown", "8bit"}:
        return None
    try:
        return codecs.lookup(cleaned).name
    except (LookupError, ValueError):  # ValueError: a label with a NUL in it (damaged mail)
        return None


# Labels mail clients put on text that is really UTF-8 or GBK: Chinese mail is never Latin-1, and
# non-ASCII bytes that are valid UTF-8 are almost never meant as GBK.
_MISLABELLED = frozenset({"gb18030", "latin-1", "iso8859-1", "cp1252", "ascii"})


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode strictly: the declared charset first, then UTF-8, then gb18030; non-ASCII text under a
    label clients often get wrong is tried as UTF-8, then gb18030, before the label."""
    label = normalize_charset(declared)
    if label in _MISLABELLED and not data.isascii():
        candidates = [*FALLBACK_CHARSETS, label]
    else:
        candidates = [label, *FALLBACK_CHARSETS]
    for charset in dict.fromkeys(c for c in candidates if c):
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UndecodableText(f"text is not valid {declared or 'UTF-8'} nor UTF-8 nor GB18030")


def recover_raw_header(value: str) -> str:
    """Undo the parser's escaping of raw 8-bit header bytes (surrogates) by decoding them for real."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("ascii", "surrogateescape"))


def decode_header_text(value: str | None) -> str:
    """A header as text: raw 8-bit bytes recovered, RFC 2047 encoded-words decoded, folding undone."""
    if value is None:
        return ""
    text = recover_raw_header(str(value))
    try:
        chunks = email.header.decode_header(text)
    except email.errors.HeaderParseError:
        return " ".join(text.split())
    pieces = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            pieces.append(chunk)
        elif charset is None:  # the unencoded stretches between encoded-words
            pieces.append(chunk.decode("raw-unicode-escape"))
        else:
            pieces.append(decode_bytes(chunk, charset))
    return " ".join("".join(pieces).split())


def raw_header(part: Message, name: str) -> str | None:
    """The header's raw value with 8-bit bytes recovered (compat32 would otherwise hide them)."""
    for key, value in part.raw_items():
        if key.lower() == name.lower():
            return recover_raw_header(str(value))
    return None


# The name shown for an attachment whose name was damaged beyond decoding (still an attachment).
DAMAGED_NAME = "（文件名已损坏）"


def attachment_name(part: Message) -> str:
    """The attachment's file name for display: RFC 2231 (quoted or not, continued or not), RFC 2047
    inside quotes, or raw 8-bit bytes. Never used as a path."""
    try:
        return _attachment_name(part)
    except UndecodableText:
        return DAMAGED_NAME


def _attachment_name(part: Message) -> str:
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        value = raw_header(part, header)
        if not value:
            continue
        holder = email.message.Message()
        holder[header] = value
        found = holder.get_param(param, header=header)
        if found is None:
            continue
        if isinstance(found, tuple):
            charset, _language, text = found
            data = text.encode("latin-1", "replace")
            try:
                return decode_bytes(data, charset)
            except UndecodableText:  # a name is only shown to the editor: a bad one must not cost the story
                return data.decode("utf-8", "replace")
        return decode_header_text(email.utils.unquote(found))
    return ""
