"""Characters that pages and feeds cannot carry, found and removed from text.

XML 1.0 (every feed) forbids the C0 control characters other than tab, newline and carriage return,
lone surrogates and U+FFFE/U+FFFF; it discourages DEL, the C1 controls and the other non-characters,
which no story needs either. Text copied out of Word carries U+000B for a manual line break (Shift+Enter)
and U+000C for a page break: those become a line break instead of vanishing. A numeric character
reference to any of them (`&#1;`, `&#x0B;`) is treated like the character, because HTML and feed
writers decode it.
"""

import re
from collections import Counter

LINE_BREAKS = frozenset({0x0B, 0x0C})
_RANGES = [
    (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF), (0xFDD0, 0xFDEF),
    *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)),
]  # fmt: skip
_CLASS = "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in _RANGES)
_FORBIDDEN = re.compile(f"[{_CLASS}]|&#(?:[xX]([0-9a-fA-F]{{1,8}})|([0-9]{{1,8}}));")


def is_forbidden(code: int) -> bool:
    return code == 0 or code > 0x10FFFF or any(low <= code <= high for low, high in _RANGES)


def label(code: int) -> str:
    return f"U+{code:04X}"


def _code(match: re.Match[str]) -> int | None:
    """The forbidden code point a match stands for, or None for a reference to an allowed one."""
    hexadecimal, decimal = match.groups()
    if hexadecimal is None and decimal is None:
        return ord(match.group(0))
    code = int(hexadecimal, 16) if hexadecimal is not None else int(decimal)
    return code if is_forbidden(code) else None


def clean_text(text: str, line_break: str = "\n") -> tuple[str, Counter[str]]:
    """The text without forbidden characters (Word's line and page breaks become `line_break`), and
    how many of each were found, by label ("U+000B")."""
    found: Counter[str] = Counter()

    def replace(match: re.Match[str]) -> str:
        code = _code(match)
        if code is None:
            return match.group(0)
        found[label(code)] += 1
        return line_break if code in LINE_BREAKS else ""

    return _FORBIDDEN.sub(replace, text), found


def describe(found: Counter[str]) -> str:
    """ "U+000B ×2, U+0001" in code point order."""
    in_order = sorted(found.items(), key=lambda item: int(item[0][2:], 16))
    return ", ".join(name if count == 1 else f"{name} ×{count}" for name, count in in_order)
