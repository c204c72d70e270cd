"""The search index read back as search.js reads it, file by file (counting the files), for tests
that check what a query finds without a browser, and that compare two builds' indexes by what they
find (a cached build keeps recent stories in a small segment of their own, so its index files differ
from a cold build's while every search finds the same)."""

import gzip
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sitebuild import REPO
from siterules.folders import SEARCH_FOLDER

sys.path.insert(0, str(REPO / "plugins"))
import numpy as np
from search.terms import chunk_of, fold, query_terms


def varints(data: bytes) -> list[int]:
    values, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            values.append(value)
            value, shift = 0, 0
    return values


def undelta(deltas: list[int], counts: list[int]) -> list[list[int]]:
    lists, at = [], 0
    for count in counts:
        part, previous = [], 0
        for delta in deltas[at:at + count]:
            previous = delta if not part else previous + delta
            part.append(previous)
        lists.append(part)
        at += count
    return lists


def read_chunk(data: bytes) -> dict[int, tuple[list[int], list[int]]]:
    """term code -> (documents, title documents)"""
    stream = varints(gzip.decompress(data))
    count = stream[0]
    codes, code = [], 0
    for delta in stream[1:1 + count]:
        code += delta
        codes.append(code)
    counts = stream[1 + count:1 + 2 * count]
    title_counts = stream[1 + 2 * count:1 + 3 * count]
    rest = stream[1 + 3 * count:]
    body = undelta(rest[:sum(counts)], counts)
    titles = undelta(rest[sum(counts):], title_counts)
    return {code: (body[n], titles[n]) for n, code in enumerate(codes)}


def gzip_json(data: bytes) -> Any:
    return json.loads(gzip.decompress(data))


@dataclass
class Reader:
    folder: Path
    fetched: list[str] = field(default_factory=list)
    # Decoded files kept for the next search when given (comparing two indexes runs hundreds).
    memo: dict[str, object] | None = None

    def read(self, relative: str) -> bytes:
        self.fetched.append(relative)
        return (self.folder / relative).read_bytes()

    def decoded(self, relative: str, decode: Callable[[bytes], object]) -> Any:
        if self.memo is None:
            return decode(self.read(relative))
        if relative not in self.memo:
            self.memo[relative] = decode(self.read(relative))
        else:
            self.fetched.append(relative)
        return self.memo[relative]

    def search(self, query: str) -> list[str]:
        """The addresses found for `query`: every document holding all its terms, those holding each
        word whole first (in the title before the body), newest first within each."""
        entry = self.decoded("index.json", json.loads)
        words = [fold(word) for word in query.split()]
        codes = [code for word in words for code in query_terms(word)]
        found = []
        for number, segment in enumerate(entry["segments"]):
            gone = set(entry["gone"]) if number == 0 else set()
            chunks = chunk_of(np.array(codes, dtype=np.uint64), segment["chunks"])
            holders, titled = None, None
            for code, chunk in zip(codes, chunks, strict=True):
                postings = self.decoded(f"{segment['path']}p/{chunk}.gz", read_chunk).get(code, ([], []))
                body, title = set(postings[0]), set(postings[1])
                holders = body if holders is None else holders & body
                titled = title if titled is None else titled & title
            for doc in sorted(holders - gone):
                url, title, date, _, text = self.decoded(store_path(entry, segment, doc), gzip_json)
                whole_title = all(word in fold(title) for word in words)
                whole = whole_title or all(word in fold(f"{title}\n{text}") for word in words)
                rank = 0 if whole_title else 1 if whole else 2
                newest = -datetime.fromisoformat(date).timestamp() if date else 0
                found.append((rank, newest, url))
        return [url for *_, url in sorted(found)]


def store_path(entry: dict, segment: dict, doc: int) -> str:
    """The stored record of a segment's document: by key in a recent segment, by number in the large."""
    if "keys" in segment:
        return f"{entry['store']}{segment['keys'][doc]}.gz"
    return f"{segment['path']}s/{doc}.gz"


def live_documents(folder: Path) -> dict[str, list]:
    """Every document a search can find (those deleted since their segment was written left out):
    its address -> its stored record (address, title, date, …, text)."""
    entry = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    documents = {}
    for number, segment in enumerate(entry["segments"]):
        gone = set(entry["gone"]) if number == 0 else set()
        for doc in range(segment["count"]):
            if doc in gone:
                continue
            record = json.loads(gzip.decompress((folder / store_path(entry, segment, doc)).read_bytes()))
            documents[record[0]] = record
    return documents


def search_differences(left_output: Path, right_output: Path) -> list[str]:
    """How two built sites' search indexes differ for a reader: the documents one holds and the other
    does not (or holds otherwise), then every query (each document's title, and a piece of its text)
    whose results differ; [] when a reader cannot tell them apart."""
    left, right = left_output / SEARCH_FOLDER, right_output / SEARCH_FOLDER
    if not (left / "index.json").exists() and not (right / "index.json").exists():
        return []  # a build with the search off
    documents, others = live_documents(left), live_documents(right)
    problems = [f"document {url}" for url in sorted(documents.keys() ^ others.keys())]
    problems += [f"record of {url}" for url in sorted(documents.keys() & others.keys())
                 if documents[url] != others[url]]
    queries = sorted({piece for _, title, _, _, text in documents.values()
                      for piece in (title, text.strip()[:4]) if piece.strip()})
    readers = Reader(left, memo={}), Reader(right, memo={})
    problems += [f"search {query!r}" for query in queries
                 if readers[0].search(query) != readers[1].search(query)]
    return problems
