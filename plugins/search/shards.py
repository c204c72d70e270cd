"""Which searchable page goes into which search shard, and which shards a build must re-index.

A shard is a group of pages indexed by one Pagefind run into its own bundle. Stories are grouped by
the year in their address (stories/2024/…): a past year's stories rarely change, so its shard is
left alone for good, and a new story only touches its own year. Every other searchable page (about/,
submit/, …) is in the group "pages". A group larger than the shard size is split into 2, 4, 8, …
buckets by a hash of the page's path: balanced, and a page stays in its bucket while its year grows,
until the year doubles past the next power of two (then only that year is re-split, once). The size
bounds the memory of each Pagefind process (about 0.4 MiB per page).
"""

import hashlib
import json
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The attribute the theme puts on story and page bodies (article.html, page.html). Pagefind indexes
# only such pages once any page has one, so a shard must never be made of pages without it.
SEARCHABLE_MARKER = b"data-pagefind-body"
STORY_YEAR = re.compile(r"stories/(\d{4})/")
OTHER_PAGES = "pages"


def is_searchable(html: bytes) -> bool:
    """Whether a written page has an element marked data-pagefind-body (not just the words)."""
    found = html.find(SEARCHABLE_MARKER)
    while found != -1:
        if html.rfind(b"<", 0, found) > html.rfind(b">", 0, found):  # inside a tag, not in text
            return True
        found = html.find(SEARCHABLE_MARKER, found + 1)
    return False


# A page as a scan found it: size, modification time (ns), and the SHA-256 of its bytes if it is
# searchable, "" if not.
PageScan = tuple[int, int, str]


def scan_pages(
    output: Path, folders: Iterable[str], last_scan: Mapping[str, PageScan]
) -> dict[str, PageScan]:
    """Every HTML page under the given top-level folders of `output` (path relative to `output`, with
    "/"). Hashes are of bytes, not times: a page rewritten with the same bytes is unchanged. A page
    with the size and time of `last_scan` is not read again (the writer leaves unchanged pages alone)."""
    scan = {}
    for folder in folders:
        for relative, size, mtime_ns in _walk_stats(output / folder, f"{folder}/"):
            if not relative.endswith(".html"):
                continue
            known = last_scan.get(relative)
            if known is not None and known[0] == size and known[1] == mtime_ns:
                scan[relative] = known
                continue
            with open(output / relative, "rb") as page:
                html = page.read()
            scan[relative] = (size, mtime_ns, hashlib.sha256(html).hexdigest() if is_searchable(html) else "")
    return scan


def searchable_pages(scan: Mapping[str, PageScan]) -> dict[str, str]:
    """The searchable pages of a scan -> the SHA-256 of their bytes."""
    return {path: sha256 for path, (_, _, sha256) in scan.items() if sha256}


def _walk_stats(folder: Path, prefix: str) -> Iterable[tuple[str, int, int]]:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk_stats(Path(entry.path), f"{prefix}{entry.name}/")
        else:
            stat = entry.stat(follow_symlinks=False)
            yield f"{prefix}{entry.name}", stat.st_size, stat.st_mtime_ns


def walk_files(folder: Path) -> list[str]:
    """The files under `folder`, relative to it with "/", sorted (empty if it does not exist).
    Plain strings, not Path objects: a site holds tens of thousands of pages."""
    found = []
    root = len(str(folder)) + 1
    for directory, _, files in os.walk(folder):
        prefix = directory[root:].replace(os.sep, "/")
        found += [f"{prefix}/{name}" for name in files] if prefix else files
    return sorted(found)


def page_group(path: str) -> str:
    """stories-<year> for a story (stories/<year>/…), OTHER_PAGES for everything else."""
    year = STORY_YEAR.match(path)
    return f"stories-{year.group(1)}" if year else OTHER_PAGES


def bucket(path: str, parts: int) -> int:
    """A stable bucket in range(parts) for a page path (the same on every machine and run)."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big") % parts


def assign_shards(pages: Iterable[str], shard_pages: int) -> dict[str, list[str]]:
    """Shard name -> its sorted page paths: one shard per group, or the group split into the fewest
    power-of-two hash buckets ("stories-2024-3of8") that hold at most `shard_pages` pages on average."""
    if shard_pages < 1:
        raise ValueError(f"a shard must hold at least one page, not {shard_pages}")
    groups: dict[str, list[str]] = defaultdict(list)
    for path in sorted(pages):
        groups[page_group(path)].append(path)
    shards: dict[str, list[str]] = {}
    for group, paths in sorted(groups.items()):
        parts = 1
        while len(paths) > parts * shard_pages:
            parts *= 2
        if parts == 1:
            shards[group] = paths
            continue
        for path in paths:
            shards.setdefault(f"{group}-{bucket(path, parts)}of{parts}", []).append(path)
    return dict(sorted(shards.items()))


@dataclass
class ShardRecord:
    """What the last build indexed into one shard's bundle, and the bundle it wrote."""

    pages: dict[str, str]  # page path -> SHA-256 of its bytes
    files: list[str] = field(default_factory=list)  # the bundle's files, relative to it
    entry: str = ""  # SHA-256 of the bundle's pagefind-entry.json


@dataclass
class Manifest:
    """The search index of one output folder as the last build left it (kept in the build cache)."""

    fingerprint: str  # Pagefind's version and how this plugin runs it: another one re-indexes all
    shards: dict[str, ShardRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Manifest | None":
        """The manifest at `path`, or None when there is none or it cannot be read."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            shards = {name: ShardRecord(**record) for name, record in data["shards"].items()}
            return cls(data["fingerprint"], shards)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, path: Path) -> None:
        """Write the manifest (only when it changed: a build with no change writes nothing)."""
        data = {
            "fingerprint": self.fingerprint,
            "shards": {name: vars(record) for name, record in sorted(self.shards.items())},
        }
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)


def manifest_path(cache: Path, output: Path) -> Path:
    """Where the manifest of `output` lives under the build cache: one per output folder, so that
    builds into different folders never take each other's bundles for their own."""
    key = hashlib.sha256(str(output.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache / "search" / f"manifest-{key}.json"


def load_scan(path: Path) -> dict[str, PageScan]:
    """The last build's page scan (empty if there is none)."""
    try:
        with path.open("rb") as file:
            scan = pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return {}
    return scan if isinstance(scan, dict) else {}


def save_scan(path: Path, scan: dict[str, PageScan], last_scan: Mapping[str, PageScan]) -> None:
    if scan == last_scan:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as file:
        pickle.dump(scan, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bundle_intact(bundle: Path, record: ShardRecord) -> bool:
    """Whether `bundle` still holds exactly the files the last build wrote (file names are content
    hashes; the entry file names the index's metadata, itself named by the hash of the whole)."""
    entry = bundle / "pagefind-entry.json"
    return entry.is_file() and file_sha256(entry) == record.entry and walk_files(bundle) == record.files


def shards_to_index(
    shards: Mapping[str, list[str]],
    pages: Mapping[str, str],
    previous: Manifest | None,
    fingerprint: str,
    bundles: Path,
) -> list[str]:
    """The shards whose bundle must be (re)written: new ones, those whose set of pages or any page's
    bytes changed, those whose bundle in `bundles` is missing or altered, or all of them when the
    fingerprint changed."""
    if previous is None or previous.fingerprint != fingerprint:
        return list(shards)
    stale = []
    for name, paths in shards.items():
        record = previous.shards.get(name)
        if (
            record is None
            or record.pages != {path: pages[path] for path in paths}
            or not bundle_intact(bundles / name, record)
        ):
            stale.append(name)
    return stale
