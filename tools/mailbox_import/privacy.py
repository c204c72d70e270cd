"""Masks personal data in submitted stories before anything is written, because the site is public.

Submissions quote senders' mobiles, ID numbers, e-mail addresses and, for donations, bank cards. They
are found on a copy of the text with full-width ASCII and odd dashes folded to ASCII (same length, so
positions line up) and replaced in the original, so the text and punctuation around each stay as
written. URLs are left alone except for their query strings (web forms put numbers there); relative
link targets (image paths named by hash) are left alone entirely.
"""

import re
from collections.abc import Collection
from dataclasses import dataclass

MOBILE = "手机号"
RESIDENT_ID = "身份证号"
EMAIL = "电子邮箱"
LANDLINE = "固定电话"
BANK_CARD = "银行卡号"


@dataclass(frozen=True)
class Masking:
    """One masked item for the editor's report: the masked form only, never the original."""

    kind: str
    masked: str


# Full-width ASCII (U+FF01–FF5E: digits, letters, ＠, ．, （, －…) and the dashes and spaces typed
# between digit groups, each to one ASCII character so that offsets in the folded copy match the text.
_FOLD = str.maketrans(
    {
        **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
        **dict.fromkeys("‐‑‒–—―−﹣", "-"),
        "\u3000": " ",
        "\u00a0": " ",
    }
)

# Between digits: a space or dash (spaced or not); one line break (a wrapped line renders as a space,
# "  \n" and "\\\n" are Markdown hard breaks from <br>); Markdown emphasis or code marks, because a
# number half in bold ("138**0013**8000") still shows whole once rendered. Escaped stars (\*) are not
# gaps, so masked output is never matched again.
_GAP = r"(?:[ ]?-[ ]?|[ ]{0,2}\r?\n|\\\r?\n|[ ]{1,2}|(?<!\\)\*{1,3}|_{1,3}|`)?"
# Long numbers glued to letters are parts of codes, not cards; an ID may follow a label (ID3201…).
_NOT_AFTER_CODE = r"(?<![0-9A-Za-z])"
_NOT_BEFORE_CODE = r"(?![0-9A-Za-z])"
# An e-mail name may carry emphasis marks (zhang**san**@ from zhang<b>san</b>@), but not the "***" of
# a masked name, so that masking twice changes nothing.
_EMAIL_NAME = r"[A-Za-z0-9._%+\-]+(?:(?<!\\)\*{1,3}[A-Za-z0-9._%+\-]+)*(?:(?<!\\)\*{1,2})?"
_PATTERN = re.compile(
    rf"""
    (?P<url>(?:https?://|www\.)(?:[A-Za-z0-9\-._~:/?\#\[\]@!$&'*+=%]|[,;](?![0-9]))+)
  | (?P<link_target>\]\((?![A-Za-z][A-Za-z0-9+.\-]*:)[^)\s]*)
  | (?P<email>(?<![A-Za-z0-9._%+\-]){_EMAIL_NAME}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{{2,}})
  | (?P<id18>(?<![0-9])[1-9][0-9]{{5}}{_GAP}[0-9]{{4}}{_GAP}[0-9]{{4}}{_GAP}[0-9]{{3}}[0-9Xx]
        {_NOT_BEFORE_CODE})
  | (?P<card>{_NOT_AFTER_CODE}(?P<card_core>[1-9][0-9]{{3}}(?:{_GAP}[0-9]{{4}}){{3}})
        (?P<card_tail>{_GAP}[0-9]{{1,3}})?{_NOT_BEFORE_CODE})
  | (?P<mobile>(?<![0-9])(?:\(?(?:\+|00)?86\)?{_GAP})?
        (?P<mobile_number>1[3-9](?:{_GAP}[0-9]){{9}}|1[3-9][0-9]\.[0-9]{{4}}\.[0-9]{{4}})(?![0-9]))
  | (?P<landline>(?<![0-9])(?:\(0[1-9][0-9]{{1,2}}\){_GAP}|0[1-9][0-9]{{1,2}}{_GAP}
        |\(?(?:\+|00)86\)?{_GAP}\(?[1-9][0-9]{{1,2}}\)?{_GAP})
        (?P<subscriber>[2-9][0-9]{{2,3}}{_GAP}[0-9]{{4}})(?![0-9]))
  | (?P<id15>{_NOT_AFTER_CODE}[1-8][0-9]{{7}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{{3}}
        {_NOT_BEFORE_CODE})
    """,
    re.VERBOSE | re.IGNORECASE,
)

_ASCII_RUN = re.compile(r"[ -~\r\n]+")
_EMPHASIS_MARKS = re.compile(r"(?<!\\)(?:\*+|_+|`+)")
_EMAIL_EMPHASIS_MARKS = re.compile(r"(?<!\\)\*+")  # "_" is a letter of an e-mail name
_URL_QUERY_OR_FRAGMENT = re.compile(r"[?#]")
_BIRTH_DATE = re.compile(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"


def resident_id_checksum_ok(digits: str) -> bool:
    """True when an 18-character resident ID's last character matches the GB 11643 checksum."""
    total = sum(int(digit) * weight for digit, weight in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARACTERS[total % 11] == digits[17].upper()


def luhn_ok(digits: str) -> bool:
    """True when a card number passes the Luhn check that every bank card number carries."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _digits(folded: str) -> str:
    return "".join(character for character in folded if character.isdigit() or character in "Xx").upper()


def _hide_middle(digits: str) -> str:
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_personal_data(
    text: str, public_emails: Collection[str] = (), *, escape_markdown: bool = False
) -> tuple[str, list[Masking]]:
    """Return the text with personal data masked (138****1234 style) and one Masking per item, in order.

    Addresses in public_emails (the site's own mailboxes) stay. With escape_markdown the stars are
    written as \\* so that Markdown does not read two masked numbers in one paragraph as emphasis;
    the report still shows the form a reader sees.
    """
    public = {address.casefold() for address in public_emails}
    folded = text.translate(_FOLD)
    pieces: list[str] = []
    maskings: list[Masking] = []
    copied_up_to = 0
    # After folding every candidate is plain ASCII, so only ASCII runs are searched: Chinese prose,
    # most of the text, is skipped at C speed.
    for run in _ASCII_RUN.finditer(folded):
        position = run.start()
        while match := _PATTERN.search(folded, position, run.end()):
            kind, masked, position = _classify(match, text, public)
            if kind is not None:
                start, position, marks_kept = _balance_emphasis(match, position, copied_up_to)
                written = masked.replace("*", "\\*") if escape_markdown else masked
                pieces += [text[copied_up_to:start], marks_kept, written]
                maskings.append(Masking(kind, masked))
                copied_up_to = position
    pieces.append(text[copied_up_to:])
    return "".join(pieces), maskings


def _classify(match: re.Match[str], text: str, public: set[str]) -> tuple[str | None, str, int]:
    """Decide what a candidate is: (kind, or None to leave it; its masked form; where to search on).

    Kept parts (a +86 prefix, an e-mail domain) are copied from the original text, as written.
    """
    group = match.lastgroup
    candidate = match.group(group)
    if group == "url":
        return None, "", _url_searched_on_from(match, text)
    if group == "link_target":
        return None, "", match.end()
    if group == "email":
        if candidate.replace("*", "").casefold() in public:
            return None, "", match.end()
        at = match.start() + candidate.index("@")
        return EMAIL, text[match.start()] + "***" + text[at : match.end()], match.end()
    if group == "card":
        whole, core = _digits(candidate), _digits(match.group("card_core"))
        if luhn_ok(whole):
            return BANK_CARD, _hide_middle(whole), match.end()
        if match.group("card_tail") and luhn_ok(core):
            return BANK_CARD, _hide_middle(core), match.end("card_core")
        # The tail may be the start of the next number, so search again right after the core.
        return None, "", match.end("card_core")
    if group == "mobile":
        prefix = text[match.start() : match.start("mobile_number")]
        return MOBILE, prefix + _hide_middle(_digits(match.group("mobile_number"))), match.end()
    if group == "landline":
        # The area code stays as written, brackets and all: it names a city, not a person.
        area = text[match.start() : match.start("subscriber")]
        subscriber = _digits(match.group("subscriber"))
        return LANDLINE, area + "*" * (len(subscriber) - 4) + subscriber[-4:], match.end()
    digits = _digits(candidate)
    if group == "id18":
        # Every ID-shaped number is masked; the checks only decide what the report calls it.
        looks_like_card = not _BIRTH_DATE.fullmatch(digits[6:14]) and digits.isdigit() and luhn_ok(digits)
        kind = BANK_CARD if looks_like_card and not resident_id_checksum_ok(digits) else RESIDENT_ID
        return kind, _hide_middle(digits), match.end()
    return RESIDENT_ID, _hide_middle(digits), match.end()


def _url_searched_on_from(match: re.Match[str], text: str) -> int:
    """Where to search on after a URL: its query or fragment is searched like text (forms carry
    numbers there: ?tel=…), and the URL ends where the original has a full-width character, since
    no real URL holds one (网址https://jsxh.org：138…)."""
    end = next((i for i in range(match.start(), match.end()) if not text[i].isascii()), match.end())
    query = _URL_QUERY_OR_FRAGMENT.search(match.string, match.start(), end)
    return query.end() if query else end


def _balance_emphasis(match: re.Match[str], end: int, earliest: int) -> tuple[int, int, str]:
    """Keep Markdown emphasis balanced when a masked number swallows marks: (start, end, marks to keep).

    Marks inside the hidden part vanish with it. Pairs among them (138**0013**8000) need nothing
    more; a mark whose partner lies outside (**320102**19900101*1237*) takes that partner along when
    it sits right at the number's edge, and is otherwise kept just before the masked number, where it
    still closes or opens the emphasis around it (**电话：138**0013… -> **电话：**138…).
    """
    folded, start = match.string, match.start()
    if match.lastgroup == "email":  # the name between its first letter and "@" is hidden
        hidden_start, hidden_end = start + 1, start + match.group().index("@")
        marks = _EMAIL_EMPHASIS_MARKS
    else:  # an area code or +86 prefix stays as written, marks and all
        kept_prefix = {"mobile": "mobile_number", "landline": "subscriber"}.get(match.lastgroup or "")
        hidden_start, hidden_end = (match.start(kept_prefix) if kept_prefix else start), end
        marks = _EMPHASIS_MARKS
    unpaired: list[str] = []
    for mark in marks.finditer(folded, hidden_start, hidden_end):
        if unpaired and unpaired[-1] == mark.group():
            unpaired.pop()
        else:
            unpaired.append(mark.group())
    if unpaired and folded.endswith(unpaired[0], earliest, start):
        start -= len(unpaired.pop(0))
    if unpaired and folded.startswith(unpaired[-1], end):
        end += len(unpaired.pop())
    return start, end, "".join(unpaired)
