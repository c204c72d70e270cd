"""`make publish` and `make check` at scale: .venv/bin/python bench/publish.py [N] (default 1,000 stories).

In a scratch copy of the repository under bench/out/publish-N/ with N synthetic stories (bench/stories.py),
it times, with the real Makefile: the first `make publish` (no public/, no cache); a second with no
change; one after adding a story; `make check DIR=public` with the valid-pages cache (what every
publish pays: links, feeds, scripts, and the validator on changed pages only); and the same check
validating every page again. It prints each figure with the pages and files checked.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from checkout import copy_checkout
from stories import STORY_FOLDER, added_story, pelican_markdown, write_stories

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def scratch_copy(count: int) -> Path:
    folder = OUT / f"publish-{count}"
    shutil.rmtree(folder, ignore_errors=True)
    repo = copy_checkout(ROOT, folder / "repo")
    write_stories(repo / "content", count)
    return repo


def timed(label: str, repo: Path, *arguments: str) -> tuple[str, float, str]:
    started = time.perf_counter()
    run = subprocess.run(["make", "-s", *arguments], cwd=repo, capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"})  # fmt: skip
    seconds = time.perf_counter() - started
    log = repo.parent / (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".log")
    log.write_text(run.stdout + run.stderr, encoding="utf-8")
    if run.returncode != 0:
        sys.exit(f"{label} failed (exit {run.returncode}); see {log}")
    found = re.search(r"make check: \S+: no problems \(([^;]*);", run.stdout)
    print(f"{label:<58} {seconds:7.1f} s   {found.group(1) if found else ''}", flush=True)
    return label, seconds, run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=1000, help="stories (default 1,000)")
    count = parser.parse_args().count
    print(f"Writing {count:,} stories into a scratch copy of the repository …", flush=True)
    repo = scratch_copy(count)
    print(f"{os.cpu_count()} cores; times include the build, the check and the swap", flush=True)
    timed("make publish, first (no public/, no cache)", repo, "publish")
    timed("make publish, no change", repo, "publish")
    added = added_story(count)
    (repo / "content" / STORY_FOLDER / added.filename).write_text(pelican_markdown(added), encoding="utf-8")
    timed("make publish, one story added", repo, "publish")
    timed("make check DIR=public (valid pages known)", repo, "check", "DIR=public")
    (repo / "cache" / "sitecheck-valid-pages.txt").unlink()
    timed("make check DIR=public (every page validated)", repo, "check", "DIR=public")


if __name__ == "__main__":
    main()
