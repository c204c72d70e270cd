"""What the search index (plugins/search) costs on a site of N synthetic stories (bench/stories.py,
2020-2023): a full index, the rebuild after adding or editing one story, and with no change; against the
single Pagefind run over the whole site that this plugin did before it sharded the index.

    .venv/bin/python bench/search.py [N]      (default N = 1000)

Builds the site once (repository content + N stories of about 1,600 Chinese characters), then times
each case in a fresh process: wall seconds, CPU seconds of the Pagefind processes, the peak memory
(RSS) of the largest one, shards re-indexed and files of output/pagefind/ written. No targets are
asserted; compare runs over time.
"""

import argparse
import multiprocessing
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "plugins")]

from search.indexing import DEFAULT_SETTINGS, escape_glob, index_site, pagefind_binary  # noqa: E402
from stories import write_stories  # noqa: E402
from timed_build import build_seconds  # noqa: E402

EXCLUDED = DEFAULT_SETTINGS["SEARCH_EXCLUDED_FOLDERS"]
TIMEOUT = 600


def single_run(output: Path) -> str:
    """The index as this plugin built it before shards: one Pagefind run over every folder."""
    shutil.rmtree(output / "pagefind-single", ignore_errors=True)
    left_out = {*EXCLUDED, "pagefind", "pagefind-single"}
    folders = sorted(
        entry.name for entry in output.iterdir() if entry.is_dir() and entry.name not in left_out
    )
    glob = "{" + ",".join(escape_glob(name) for name in folders) + "}/**/*.html"
    command = [str(pagefind_binary()), "--site", str(output), "--output-subdir", "pagefind-single",
               "--glob", glob, "--quiet"]
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
    shutil.rmtree(output / "pagefind-single")
    return "one bundle"


Figures = tuple[float, float, float, str]  # wall seconds, CPU seconds of children, peak MiB, note


def measured(task: Callable[[], str], results: "multiprocessing.Queue[Figures]") -> None:
    started = time.perf_counter()
    note = task()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    results.put((time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, note))


def run(label: str, task: Callable[[], str]) -> None:
    """Run `task` in a fresh process (so that peak memory is its own) and print its figures."""
    results: multiprocessing.Queue[Figures] = multiprocessing.Queue()
    process = multiprocessing.get_context("fork").Process(target=measured, args=(task, results))
    process.start()
    wall, cpu, peak, note = results.get()
    process.join()
    print(f"  {label:<34} {wall:7.2f} s {cpu:8.2f} s {peak:8.0f} MiB   {note}")


def modification_times(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


JOBS = DEFAULT_SETTINGS["SEARCH_INDEX_JOBS"]


def sharded(output: Path, cache: Path, jobs: int = JOBS) -> Callable[[], str]:
    """The index as this plugin builds it now: shards, re-indexed when they changed."""

    def task() -> str:
        before = modification_times(output / "pagefind")
        index = index_site(output, EXCLUDED, TIMEOUT, cache, jobs=jobs)
        after = modification_times(output / "pagefind")
        written = sum(1 for path, mtime in after.items() if before.get(path) != mtime)
        removed = len(before.keys() - after.keys())
        pages = sum(index.pages_by_language.values())
        return (f"{pages} pages, {len(index.shards)} shards, re-indexed {len(index.reindexed)} "
                f"{index.reindexed[:3]}, files written {written}, removed {removed}")
    return task


def newest_story(output: Path) -> Path:
    return max((output / "stories").glob("*/bench-*/index.html"), key=lambda path: int(path.parent.name[6:]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=1000, help="stories (default 1,000)")
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        content = work / "content"
        shutil.copytree(ROOT / "content", content)
        write_stories(content, count)
        output = work / "output"
        settings = {"SEARCH_ENABLED": False, "CACHE_PATH": str(work / "pelican")}
        seconds = build_seconds(content, output, settings)
        print(f"{count} stories + the repository's content, built in {seconds:.0f} s")
        compare(output, work)


def compare(output: Path, work: Path) -> None:
    """Every case, one after the other, on the site built in `output` (scratch files go to `work`)."""
    cache = work / "cache"
    print(f"  {'case':<34} {'wall':>9} {'CPU':>10} {'peak RSS':>12}")
    run("before: one Pagefind run, all site", lambda: single_run(output))
    shutil.rmtree(output / "pagefind", ignore_errors=True)
    run("full index, 1 job", sharded(output, work / "cache-1", jobs=1))
    shutil.rmtree(output / "pagefind")
    run("full index", sharded(output, cache))
    run("no change", sharded(output, cache))
    newest = newest_story(output)
    added = newest.parent.with_name("bench-added") / "index.html"
    added.parent.mkdir()
    added.write_bytes(newest.read_bytes().replace(b"</h1>", "（新增）</h1>".encode()))
    run("one story added", sharded(output, cache))
    added.write_bytes(added.read_bytes().replace("（新增）".encode(), "（改过）".encode()))
    run("one story edited", sharded(output, cache))
    shutil.rmtree(added.parent)
    run("one story deleted", sharded(output, cache))
    files = [path for path in (output / "pagefind").rglob("*") if path.is_file()]
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(f"  output/pagefind/: {len(files)} files, {megabytes:.1f} MB")


if __name__ == "__main__":
    main()
