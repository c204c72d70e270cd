"""The same bundle from the same pages: Pagefind's filter index made independent of the run.

Pagefind 1.5 writes the values of each filter (the search page's filters by column, organization type
and region), and the filters themselves, in the order of a Rust hash map, which changes from run to
run; so the filter files get a new name each time, and with them the index's metadata file that
names them and pagefind-entry.json that names that one
(https://github.com/Pagefind/pagefind/issues/638). Every other file is already the same for the same
pages. After each Pagefind run this module sorts every filter's values and the list of filters,
renames the files by their new content and rewrites the two files naming them, so that a cached
rebuild leaves the same bundle as a cold build and an unchanged shard never looks changed.

The files are gzip-compressed "pagefind_dcd" followed by CBOR; a filter file is
[filter name, [[value, [page numbers…]], …]]. Only the CBOR types Pagefind writes are handled.
"""

import gzip
import hashlib
import json
import re
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"
FILTER_FILE = re.compile(r"^(?P<language>.+)_(?P<hash>[0-9a-f]+)\.pf_filter$")
META_FILE = re.compile(r"^pagefind\.(?P<language>.+)_(?P<hash>[0-9a-f]+)\.pf_meta$")


class UnexpectedIndex(ValueError):
    """A Pagefind file this module does not understand (another Pagefind version)."""


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    """One CBOR item at `at`: (value, position after it). Unsigned and negative integers, byte
    and text strings, arrays."""
    major, info = data[at] >> 5, data[at] & 0x1F
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        argument = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise UnexpectedIndex(f"CBOR item of major type {major} with additional information {info}")
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major == 2:
        return data[at : at + argument], at + argument
    if major == 3:
        return data[at : at + argument].decode("utf-8"), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise UnexpectedIndex(f"CBOR major type {major}")


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise UnexpectedIndex(f"CBOR argument {argument} too large")


def _encode(value: Any) -> bytes:
    """The shortest CBOR encoding, as Pagefind writes it."""
    if isinstance(value, bool):
        raise UnexpectedIndex("CBOR boolean")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(map(_encode, value))
    raise UnexpectedIndex(f"cannot encode {type(value).__name__}")


def read_document(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise UnexpectedIndex(f"{path.name} does not start with {SIGNATURE!r}")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise UnexpectedIndex(f"{path.name} has {len(data) - end} bytes after its document")
    return value


def document_bytes(value: Any) -> bytes:
    """A document as Pagefind stores it, compressed the same way every time (no timestamp)."""
    return gzip.compress(SIGNATURE + _encode(value), compresslevel=9, mtime=0)


def sorted_filter(document: Any) -> Any:
    """A filter file's document with its values in order (Pagefind looks them up by name)."""
    if not (isinstance(document, list) and len(document) == 2 and isinstance(document[1], list)):
        raise UnexpectedIndex("a filter file is not [name, values]")
    name, values = document
    return [name, sorted(values, key=lambda entry: entry[0].encode("utf-8"))]


def _short_hash(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def stabilize_bundle(bundle: Path) -> None:
    """Rewrite the filter files of a fresh Pagefind bundle in a fixed order, under names from their
    content, and the metadata file and pagefind-entry.json that name them."""
    renamed: dict[str, str] = {}  # old hash part of a name -> new, same length
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        match = FILTER_FILE.match(path.name)
        if not match:
            raise UnexpectedIndex(f"unexpected filter file name {path.name}")
        data = document_bytes(sorted_filter(read_document(path)))
        new_hash = _short_hash(data, len(match["hash"]))
        path.unlink()
        (bundle / "filter" / f"{match['language']}_{new_hash}.pf_filter").write_bytes(data)
        renamed[f"{match['language']}_{match['hash']}"] = f"{match['language']}_{new_hash}"
    if not renamed:
        return
    entry_path = bundle / "pagefind-entry.json"
    entry_text = entry_path.read_text(encoding="utf-8")
    for path in sorted(bundle.glob("pagefind.*.pf_meta")):
        match = META_FILE.match(path.name)
        if not match:
            raise UnexpectedIndex(f"unexpected metadata file name {path.name}")
        meta = _filters_in_order(_renamed(read_document(path), renamed), set(renamed.values()))
        data = document_bytes(meta)
        old_name = f"{match['language']}_{match['hash']}"
        new_name = f"{match['language']}_{_short_hash(data, len(match['hash']))}"
        path.unlink()
        (bundle / f"pagefind.{new_name}.pf_meta").write_bytes(data)
        if f'"{old_name}"' not in entry_text:
            raise UnexpectedIndex(f"pagefind-entry.json does not name {old_name}")
        entry_text = entry_text.replace(f'"{old_name}"', f'"{new_name}"')
    json.loads(entry_text)  # still JSON
    entry_path.write_text(entry_text, encoding="utf-8")


def _filters_in_order(meta: Any, filter_files: set[str]) -> Any:
    """The metadata document with its list of filters ([name, file] pairs, in hash-map order too)
    sorted by name."""
    if not isinstance(meta, list):
        raise UnexpectedIndex("the metadata file is not a list")
    found = False
    for position, part in enumerate(meta):
        pairs = isinstance(part, list) and part and all(
            isinstance(item, list) and len(item) == 2 and isinstance(item[1], str) and item[1] in filter_files
            for item in part
        )
        if pairs:
            meta[position] = sorted(part, key=lambda item: str(item[0]).encode("utf-8"))
            found = True
    if not found:
        raise UnexpectedIndex("the metadata file names none of the filter files")
    return meta


def _renamed(value: Any, renamed: dict[str, str]) -> Any:
    """The metadata document with every filter file name replaced by its new one."""
    if isinstance(value, list):
        return [_renamed(item, renamed) for item in value]
    if isinstance(value, str):
        return renamed.get(value, value)
    return value
