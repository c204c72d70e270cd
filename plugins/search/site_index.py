"""The search index of a site, kept up to date build after build in output/<SEARCH_INDEX_FOLDER>/.

Every story is in the large segment (b-<hash>/) or, once added or changed since that segment was
written, in the small recent segment (r-<hash>/); a story changed or deleted since is listed in the
entry file as gone from the large one. So a new story rewrites the recent segment (a few chunks, its
table, the story's own store file) and the entry, never the large segment. Past SEARCH_RECENT_LIMIT
stories the large segment is written again with every story, and the recent one is empty.

The entry file's text is known before any segment is written (the number of chunks follows the
text's length, segments.planned_chunks): `on_entry` gets it then, so the build can put it into the
search page while the segments are being written.

What the last build wrote is recorded in the build cache, keyed by the output folder; its
documents by address and content digest. A segment's folder is named by a hash of everything in it
(the index layout, the chunk size and its documents' digests in order), so its files never change
under the same name.
"""

import bisect
import contextlib
import hashlib
import json
import logging
import multiprocessing
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siterules.processes import Forked

from .documents import Document, newest_first, site_documents
from .layout import DEFAULTS, ENTRY_FILE, INDEX_LAYOUT
from .segments import planned_chunks, write_segment

STORE_FOLDER = "s"
logger = logging.getLogger(__name__)


class SearchIndexError(RuntimeError):
    """The search index could not be built; the message says why and what to do."""


@dataclass(frozen=True)
class IndexReport:
    folder: Path
    documents: int
    large: int  # documents in the large segment (deleted ones included)
    recent: int
    gone: int  # documents of the large segment changed or deleted since
    rewrote_large: bool
    files_written: int
    seconds: float


def state_path(cache: Path, output: Path) -> Path:
    """The record of the index of `output`, one per output folder."""
    key = hashlib.sha256(str(output.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache / "search" / f"index-{key}.json"


def segment_name(prefix: str, digests: Iterable[str], chunk_bytes: int) -> str:
    data = "\n".join([INDEX_LAYOUT, str(chunk_bytes), *digests]).encode("utf-8")
    return f"{prefix}-{hashlib.sha256(data).hexdigest()[:16]}"


def load_state(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        return state if state.get("layout") == INDEX_LAYOUT else None
    except (OSError, ValueError, AttributeError):
        return None


def file_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def write_fresh(folder: Path, name: str, write: Callable[[Path], int]) -> int:
    """Write a segment into folder/name through a temporary folder (an interrupted build leaves no
    half segment under the real name); returns the number of files written."""
    temporary = folder / f".new-{name}"
    shutil.rmtree(temporary, ignore_errors=True)
    files = write(temporary)
    shutil.rmtree(folder / name, ignore_errors=True)
    temporary.rename(folder / name)
    return files


def index_site(
    output: Path,
    documents: list[Document],
    cache: Path,
    folder_name: str = DEFAULTS["SEARCH_INDEX_FOLDER"],
    chunk_bytes: int = DEFAULTS["SEARCH_CHUNK_BYTES"],
    recent_limit: int = DEFAULTS["SEARCH_RECENT_LIMIT"],
    on_entry: Callable[[str], None] = lambda entry_text: None,
) -> IndexReport:
    """Bring output/<folder_name>/ up to date with `documents`; `on_entry` gets the text of the
    entry file as soon as it is known, before the segments are written."""
    started = time.perf_counter()
    by_url: dict[str, Document] = {}
    for document in documents:
        if document.url in by_url:
            raise SearchIndexError(
                f"search: two documents have the address {document.url}; give one of them another slug"
            )
        by_url[document.url] = document
    digests = {url: document.digest() for url, document in by_url.items()}
    folder = output / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    record = state_path(cache, output)
    state = load_state(record)
    if state and (
        state["chunk_bytes"] != chunk_bytes
        or file_sha256(folder / ENTRY_FILE) != state["entry"]
        or not (folder / state["large"]).is_dir()
    ):
        state = None
    written = 0
    # Per document of the large segment, newest first: [address, digest, minutes].
    large_docs: list[list] = state["large_docs"] if state else []
    gone = [number for number, (url, digest, _) in enumerate(large_docs) if digests.get(url) != digest]
    kept = {url for url, digest, _ in large_docs if digests.get(url) == digest}
    recent = newest_first([document for url, document in by_url.items() if url not in kept])
    rewrite_large = state is None or len(recent) + len(gone) > recent_limit
    if rewrite_large:
        ordered = newest_first(list(by_url.values()))
        large_docs = [[document.url, digests[document.url], document.minutes()] for document in ordered]
        large = segment_name("b", (digest for _, digest, _ in large_docs), chunk_bytes)
        large_chunks = planned_chunks(ordered, chunk_bytes)
        gone, recent = [], []
    else:
        large = state["large"]
        large_chunks = chunks_of(folder / large)
    segments = [{"path": f"{large}/", "count": len(large_docs), "chunks": large_chunks}]
    keys = [digests[document.url][:16] for document in recent]
    recent_name = segment_name("r", keys, chunk_bytes) if recent else ""
    if recent:
        segments.append({
            "path": f"{recent_name}/", "count": len(recent), "chunks": planned_chunks(recent, chunk_bytes),
            "keys": keys, "places": places_among(recent, large_docs),
        })
    entry = {"layout": INDEX_LAYOUT, "store": f"{STORE_FOLDER}/", "segments": segments, "gone": gone}
    entry_text = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
    on_entry(entry_text)

    if rewrite_large:
        def write_large(target: Path) -> int:
            stores = target / STORE_FOLDER
            return write_segment(target, ordered, chunk_bytes, lambda number, _: stores / f"{number}.gz")

        written += write_fresh(folder, large, write_large)
    if recent and not (folder / recent_name).is_dir():
        def store(number: int, _: Document) -> Path | None:
            path = folder / STORE_FOLDER / f"{keys[number]}.gz"
            return None if path.is_file() else path

        written += write_fresh(
            folder, recent_name, lambda target: write_segment(target, recent, chunk_bytes, store)
        )
    entry_path = folder / ENTRY_FILE
    if not (entry_path.is_file() and entry_path.read_text(encoding="utf-8") == entry_text):
        entry_path.write_text(entry_text, encoding="utf-8")
        written += 1
    remove_stale(folder, {ENTRY_FILE, large, recent_name} - {""}, {f"{key}.gz" for key in keys})
    save_state(record, {
        "layout": INDEX_LAYOUT, "chunk_bytes": chunk_bytes, "large": large, "large_docs": large_docs,
        "entry": file_sha256(entry_path),
    })
    return IndexReport(
        folder, len(by_url), len(large_docs), len(recent), len(gone), rewrite_large, written,
        time.perf_counter() - started,
    )


def places_among(recent: list[Document], large_docs: list[list]) -> list[int]:
    """Where each recent document goes in the newest-first order of the large segment: the number of
    its documents that come first. The page orders results by this and the documents' numbers, so
    that no search without a filter needs a table of dates."""
    order = [(-minutes, url) for url, _, minutes in large_docs]
    return [bisect.bisect_left(order, (-document.minutes(), document.url)) for document in recent]


def chunks_of(segment: Path) -> int:
    return sum(1 for _ in (segment / "p").iterdir())


def remove_stale(folder: Path, keep: set[str], stores: set[str]) -> None:
    """Remove every entry of the index folder that is not kept, and store files of the recent segment
    no longer in it."""
    for entry in folder.iterdir():
        if entry.name == STORE_FOLDER and entry.is_dir():
            for stored in entry.iterdir():
                if stored.name not in stores:
                    stored.unlink()
        elif entry.name not in keep:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def save_state(path: Path, state: dict) -> None:
    text = json.dumps(state, ensure_ascii=False)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


class Indexing:
    """The index of a build being made in a forked process (`index_generated_site`): the entry file's
    text as soon as that process has planned it, the report once it is done."""

    def __init__(self, work: Callable[[Callable[[str], None]], IndexReport]) -> None:
        self._entries, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
        self._process = Forked(lambda: work(sender.send))
        sender.close()  # the child's copy is then the only one: if it ends without sending, recv() sees EOF
        self._entry: str | None = None

    def entry(self) -> str | None:
        """The entry file's text, waiting for it; None if the process ended without planning the
        index (`finish_index` raises its error)."""
        if not self._entries.closed:
            with contextlib.suppress(EOFError):
                self._entry = self._entries.recv()
            self._entries.close()
        return self._entry

    def report(self) -> IndexReport:
        self.entry()  # never left unread: a child blocked sending it would never end
        return self._process.result()


def index_generated_site(generators: list[Any]) -> Indexing | None:
    """Start indexing the build's stories and pages as soon as they are read (page_generator_finalized):
    the index waits neither for the static files nor for the pages.

    The index is made in a forked process: it runs beside the rest of the build, which uses one
    core until the pages are rendered, and its working memory (about 90 MB at 10,000 stories) goes
    back to the system when it ends instead of staying with the build. `finish_index` waits for it."""
    first = generators[0]
    settings: Mapping[str, Any] = {**DEFAULTS, **first.settings}
    if not settings["SEARCH_ENABLED"]:
        logger.info("search: SEARCH_ENABLED is False, no search index written")
        return None
    return Indexing(lambda on_entry: index_site(
        Path(first.output_path),
        site_documents(generators, settings["SEARCH_EXCLUDED_FOLDERS"]),
        Path(settings["CACHE_PATH"]),
        settings["SEARCH_INDEX_FOLDER"],
        settings["SEARCH_CHUNK_BYTES"],
        settings["SEARCH_RECENT_LIMIT"],
        on_entry,
    ))


def finish_index(indexing: Indexing) -> IndexReport:
    """Wait for the index started by `index_generated_site`; its error, if any, is raised here."""
    report = indexing.report()
    logger.info(
        "search: %d stories and pages in %s (%s; %d in the recent segment, %d gone from the large one), "
        "%d files written in %.2f s",
        report.documents, report.folder,
        "large segment written" if report.rewrote_large else "large segment kept",
        report.recent, report.gone, report.files_written, report.seconds,
    )
    return report
