"""The terms of the search index: what a piece of text is found by. theme/templates/search.js splits
a query by exactly these rules (a change here is a change there, and of INDEX_LAYOUT in layout.py).

- Text is folded first: lower case, full-width Latin letters and digits as ASCII (the length stays,
  so a match in folded text is a match at the same place in the text).
- Han text: every character (for one-character queries) and every pair of adjacent characters, so
  that any piece of two or more characters is found by the pairs it holds (containment, not words:
  a name the reader remembers is found whatever a word splitter would make of it).
- Latin text and numbers: whole runs of letters and digits (COVID-19 is "covid" and "19", 2020 is
  "2020").

A term is an integer code: a character's code point; a pair's two code points (first << 21 |
second); a Latin word's FNV-1a hash of its UTF-8 bytes plus LATIN_BASE. The chunk a term is kept in
is a multiplicative hash of its code (chunk_of).
"""

import itertools
import re

import numpy as np

# Han ideographs: the unified blocks (with extension A and the supplementary planes) and the
# compatibility block. search.js uses the same ranges.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))
LATIN_WORD = re.compile(r"[a-z0-9]+")
# Above every pair code (the largest code point needs 21 bits, a pair 42).
LATIN_BASE = 1 << 42
# A term's code shifted by DOC_BITS leaves room for a document number in the same 64-bit integer.
DOC_BITS = 20
MAX_DOCUMENTS = 1 << DOC_BITS
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def fold(text: str) -> str:
    """Text as it is matched: lower case, full-width letters and digits as ASCII."""
    return FULL_WIDTH.sub(lambda match: chr(ord(match[0]) - 0xFEE0), text).lower()


def fnv1a(word: str) -> int:
    """The 32-bit FNV-1a hash of a word's UTF-8 bytes."""
    value = 0x811C9DC5
    for byte in word.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def is_han(points: np.ndarray) -> np.ndarray:
    mask = np.zeros(points.shape, dtype=bool)
    for low, high in HAN_RANGES:
        mask |= (points >= low) & (points <= high)
    return mask


_latin_codes: dict[str, int] = {}


def latin_code(word: str) -> int:
    code = _latin_codes.get(word)
    if code is None:
        code = _latin_codes[word] = LATIN_BASE + fnv1a(word)
    return code


def term_codes(text: str) -> np.ndarray:
    """The distinct terms of `text`, as sorted uint64 codes."""
    folded = fold(text)
    points = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    han = is_han(points)
    singles = points[han].astype(np.uint64)
    paired = han[:-1] & han[1:]
    pairs = (points[:-1][paired].astype(np.uint64) << np.uint64(21)) | points[1:][paired]
    words = np.array([latin_code(word) for word in set(LATIN_WORD.findall(folded))], dtype=np.uint64)
    return distinct_sorted(np.concatenate([singles, pairs, words]))


def distinct_sorted(codes: np.ndarray) -> np.ndarray:
    """np.unique's answer for a story's few thousand codes in about half its time: numpy 2 finds
    the distinct values by hashing and sorts them after, where one sort and a comparison suffice."""
    codes = np.sort(codes)
    keep = np.empty(codes.shape, dtype=bool)
    keep[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def chunk_of(codes: np.ndarray, chunks: int) -> np.ndarray:
    """The chunk (0 <= chunk < chunks) each term code is kept in."""
    mixed = codes.astype(np.uint64) * GOLDEN  # wraps modulo 2**64, as search.js computes it with BigInt
    return ((mixed >> np.uint64(32)) % np.uint64(chunks)).astype(np.int64)


def query_terms(query: str) -> list[int]:
    """The terms a query needs, as search.js finds them: each character of a lone Han character,
    each pair of longer Han runs, each Latin word. (Used by the tests and the benchmark.)"""
    codes: list[int] = []
    folded = fold(query)
    points = [ord(char) for char in folded]
    han = [any(low <= point <= high for low, high in HAN_RANGES) for point in points]
    start = 0
    while start < len(points):
        if not han[start]:
            start += 1
            continue
        end = start
        while end < len(points) and han[end]:
            end += 1
        run = points[start:end]
        if len(run) == 1:
            codes.append(run[0])
        codes += [(first << 21) | second for first, second in itertools.pairwise(run)]
        start = end
    codes += [latin_code(word) for word in LATIN_WORD.findall(folded)]
    return list(dict.fromkeys(codes))
