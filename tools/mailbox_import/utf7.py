"""IMAP's modified UTF-7 (RFC 3501 5.1.3): how servers name folders on the wire ("&XfJT0ZAB-" is 已采用)
and how Dovecot and Courier name Maildir++ folders on disk."""

import base64
import re

_RUN = re.compile(r"&([A-Za-z0-9+,]*)-")
_PRINTABLE = range(0x20, 0x7F)


def decode_imap_utf7(name: str) -> str:
    """The folder name as text; a name that is not modified UTF-7 after all (an "&" of its own) as given."""
    if not name.isascii() or "&" not in name:
        return name

    def decode(run: re.Match[str]) -> str:
        if not run.group(1):
            return "&"
        encoded = run.group(1).replace(",", "/")
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-16-be")

    try:
        return _RUN.sub(decode, name)
    except ValueError:
        return name


def encode_imap_utf7(name: str) -> str:
    """The folder name as IMAP writes it: printable ASCII as is ("&" as "&-"), the rest in base64 runs."""
    out: list[str] = []
    pending = ""

    def flush() -> None:
        nonlocal pending
        if pending:
            encoded = base64.b64encode(pending.encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending = ""

    for character in name:
        if ord(character) in _PRINTABLE:
            flush()
            out.append("&-" if character == "&" else character)
        else:
            pending += character
    flush()
    return "".join(out)
