"""One segment of the search index: a set of documents written as gzip files that the search page
fetches one by one, only those a query needs.

A segment's folder holds
- filters.gz: JSON, per document (numbered from 0, newest first) the code of each filter value (-1
  without one), with the values' names: fetched only by a search with a filter chosen (the order
  is the documents' numbers, and the entry file places the recent segment's among them);
- p/<chunk>.gz: the postings of the terms whose code hashes to that chunk (terms.chunk_of): a
  stream of unsigned LEB128 varints: the number of terms; their codes (ascending, as differences);
  per term the number of documents holding it, then the number holding it in the title; then per
  term its documents (ascending, as differences), then per term its title documents likewise;
- the store: per document, JSON [address, title, date, organization, text], which the page reads
  to check that the whole query occurs (not only its pairs) and to show the excerpt. Written to
  the file `store_path` names (by number in a large segment, by content in the small recent one).
The number of chunks follows the length of the segment's text (`planned_chunks`), so a chunk stays
about `chunk_bytes` of postings before compression however large the site grows. It is decided before
any term is found: the entry file that names it is then known, and put into the search page, while the
segment is still being written.
"""

import gzip
import itertools
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .documents import Document
from .terms import DOC_BITS, MAX_DOCUMENTS, chunk_of, term_codes

FILTER_NAMES = ("category", "org_type", "region")
FILTERS_FILE = "filters.gz"
# Postings varint-encoded in one pass, about (chunks of a segment together): few numpy passes per
# chunk, a few MB of working arrays.
VALUES_PER_PASS = 1 << 18
DOC_MASK = np.uint64(MAX_DOCUMENTS - 1)
# Distinct (term, document) pairs per character of a document's text: Chinese prose of about 1,600
# characters gives 1.30 (bench/search.py's stories, drawn from jieba's word list); a longer or more
# repetitive text fewer, so its chunks come out a little smaller than `chunk_bytes`.
TERMS_PER_CHARACTER = 1.3
# Bytes of a posting in a chunk before compression: one for most (a difference under 128), a few two.
BYTES_PER_POSTING = 1.2


def compressed(data: bytes) -> bytes:
    """gzip without a time stamp: the same bytes for the same data."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def varint_parts(values: np.ndarray, parts: np.ndarray) -> list[bytes]:
    """Unsigned LEB128 of each value (uint64), back to back, cut into one bytes per part: `parts` gives
    the number of values in each, at least one. Encoded in one pass (a large segment has thousands of
    chunks: one pass each cost a processor second at 10,000 stories)."""
    values = values.astype(np.uint64)
    sizes = np.ones(values.shape, dtype=np.int64)
    for bits in range(7, 64, 7):
        sizes += values >= np.uint64(1 << bits)
    ends = np.cumsum(sizes)
    starts = ends - sizes
    out = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    for place in range(int(sizes.max()) if len(sizes) else 0):
        has = sizes > place
        part = (values[has] >> np.uint64(7 * place)) & np.uint64(0x7F)
        more = (sizes[has] > place + 1).astype(np.uint64) << np.uint64(7)
        out[starts[has] + place] = (part | more).astype(np.uint8)
    cuts = ends[np.cumsum(parts) - 1] if len(parts) else []
    return [out[start:end].tobytes() for start, end in itertools.pairwise([0, *cuts])]


@dataclass
class Postings:
    """(term, document) pairs, sorted: the distinct term codes, where each one's documents start in
    `documents` (and its length at the end), and the documents, ascending within each term."""

    terms: np.ndarray
    starts: np.ndarray
    documents: np.ndarray

    @classmethod
    def of(cls, pairs: np.ndarray) -> "Postings":
        """From pairs packed as term code << DOC_BITS | document (sorted here, in place)."""
        pairs.sort()
        codes = pairs >> np.uint64(DOC_BITS)
        documents = (pairs & DOC_MASK).astype(np.int64)
        first = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])) if len(codes) else codes[:0]
        return cls(codes[first], np.append(first, len(codes)), documents)

    def lookup(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each wanted code: its documents' start and end in `documents` (equal when absent)."""
        if not len(self.terms):
            return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=np.int64)
        at = np.minimum(np.searchsorted(self.terms, wanted), len(self.terms) - 1)
        found = self.terms[at] == wanted
        return np.where(found, self.starts[at], 0), np.where(found, self.starts[at + 1], 0)


def packed(codes: np.ndarray, document: int) -> np.ndarray:
    return (codes << np.uint64(DOC_BITS)) | np.uint64(document)


def gathered(documents: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The slices documents[start:end] back to back, each as differences from the one before it
    (its first as itself)."""
    counts = ends - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    picked = documents[np.repeat(starts - offsets, counts) + np.arange(total)]
    deltas = np.diff(picked, prepend=0)
    firsts = offsets[counts > 0]
    deltas[firsts] = picked[firsts]
    return deltas


def chunk_stream(body: Postings, titles: Postings, picked: np.ndarray) -> np.ndarray:
    """One chunk's values (before varint encoding): the terms body.terms[picked], ascending."""
    codes = body.terms[picked]
    starts, ends = body.starts[picked], body.starts[picked + 1]
    title_starts, title_ends = titles.lookup(codes)
    return np.concatenate([
        [len(codes)],
        np.diff(codes.astype(np.int64), prepend=0) if len(codes) else [],
        ends - starts,
        title_ends - title_starts,
        gathered(body.documents, starts, ends),
        gathered(titles.documents, title_starts, title_ends),
    ]).astype(np.uint64)


class SpilledPairs:
    """The (term, document) pairs of a segment, split into `groups` by the chunk their term goes to
    (chunk modulo groups) and kept in temporary files: a large segment's pairs need 8 bytes each
    (about 150 MB at 10,000 stories), one group at a time fits in a few tens of MB."""

    def __init__(self, folder: Path, groups: int) -> None:
        self.groups = groups
        self.paths = [folder / f"group-{group}.u64" for group in range(groups)]
        self.files = [path.open("wb") for path in self.paths]

    def add(self, codes: np.ndarray, document: int) -> None:
        pairs = packed(codes, document)
        if self.groups == 1:
            self.files[0].write(pairs.tobytes())
            return
        group = chunk_of(codes, self.groups)
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(self.groups + 1))
        for number, file in enumerate(self.files):
            if bounds[number] < bounds[number + 1]:
                file.write(pairs[order[bounds[number]:bounds[number + 1]]].tobytes())

    def group(self, number: int) -> Postings:
        for file in self.files:
            file.flush()
        return Postings.of(np.fromfile(self.paths[number], dtype=np.uint64))

    def close(self) -> None:
        for file in self.files:
            file.close()


def spill_groups(count: int) -> int:
    """The groups a segment of `count` documents keeps its pairs in: one per ~1,000 documents (at
    most 16); a small segment is a single group."""
    return min(16, 1 << max(0, (count // 1000).bit_length()))


def planned_chunks(documents: list[Document], chunk_bytes: int) -> int:
    """The number of chunks of a segment of `documents`: about `chunk_bytes` of postings each, from
    the length of their text; a multiple of the groups, so that each group holds whole chunks."""
    groups = spill_groups(len(documents))
    characters = sum(len(document.title) + 1 + len(document.text) for document in documents)
    postings_bytes = characters * TERMS_PER_CHARACTER * BYTES_PER_POSTING
    return groups * max(1, math.ceil(postings_bytes / chunk_bytes / groups))


def write_chunks(
    folder: Path, spilled: SpilledPairs, titles: Postings, chunks: int, chunk_bytes: int
) -> list[str]:
    """Write p/<n>.gz for each of the `chunks` chunks; returns the files written."""
    (folder / "p").mkdir(parents=True, exist_ok=True)
    written = []
    for group in range(spilled.groups):
        body = spilled.group(group)
        owner = chunk_of(body.terms, chunks)
        order = np.argsort(owner, kind="stable")
        bounds = np.searchsorted(owner[order], np.arange(chunks + 1))
        numbers = list(range(group, chunks, spilled.groups))
        per_pass = max(1, VALUES_PER_PASS // chunk_bytes)
        for at in range(0, len(numbers), per_pass):
            batch = numbers[at:at + per_pass]
            streams = [chunk_stream(body, titles, order[bounds[chunk]:bounds[chunk + 1]]) for chunk in batch]
            encoded = varint_parts(np.concatenate(streams), np.array([len(stream) for stream in streams]))
            for chunk, data in zip(batch, encoded, strict=True):
                (folder / f"p/{chunk}.gz").write_bytes(compressed(data))
                written.append(f"p/{chunk}.gz")
        del body
    return written


def filters_table(documents: list[Document]) -> dict:
    """The segment's filters.gz: the filter values, per document number."""
    table: dict = {"count": len(documents), "filters": {}}
    for name in FILTER_NAMES:
        values = sorted({document.filters[name] for document in documents if name in document.filters})
        code = {value: number for number, value in enumerate(values)}
        table["filters"][name] = {
            "values": values,
            "of": [code.get(document.filters.get(name, ""), -1) for document in documents],
        }
    return table


def store_record(document: Document) -> bytes:
    record = [document.url, document.title, document.date, document.org, document.text]
    return compressed(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def write_segment(
    folder: Path,
    documents: list[Document],
    chunk_bytes: int,
    store_path: Callable[[int, Document], Path | None],
) -> int:
    """Write a segment of `documents` (in this order: newest first) into `folder`, in
    planned_chunks(documents, chunk_bytes) chunks, each document's store record to
    store_path(number, document) unless that is None (a store file named by its content that is
    already there); returns the number of files written."""
    if len(documents) >= MAX_DOCUMENTS:
        raise ValueError(f"a segment holds at most {MAX_DOCUMENTS - 1} documents, not {len(documents)}")
    folder.mkdir(parents=True, exist_ok=True)
    groups = spill_groups(len(documents))
    title_pairs = []
    with tempfile.TemporaryDirectory(prefix="search-pairs-") as scratch:
        spilled = SpilledPairs(Path(scratch), groups)
        try:
            for number, document in enumerate(documents):
                spilled.add(term_codes(f"{document.title}\n{document.text}"), number)
                title_pairs.append(packed(term_codes(document.title), number))
            titles = Postings.of(np.concatenate(title_pairs) if title_pairs else np.zeros(0, dtype=np.uint64))
            chunks = planned_chunks(documents, chunk_bytes)
            written = write_chunks(folder, spilled, titles, chunks, chunk_bytes)
        finally:
            spilled.close()
    table = json.dumps(filters_table(documents), ensure_ascii=False, separators=(",", ":"))
    (folder / FILTERS_FILE).write_bytes(compressed(table.encode("utf-8")))
    written.append(FILTERS_FILE)
    for number, document in enumerate(documents):
        path = store_path(number, document)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(store_record(document))
            written.append(path.name)
    return len(written)
