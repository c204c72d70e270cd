"""Damaged mail at scale: the fuzz test's corpus, larger, through a real import and a real build.

    .venv/bin/python bench/fuzz_import.py [N] [SEED]      (default 20,000 messages, seed 8)

Generates N submissions damaged by tests/mailbox_import/mailcorpus.damaged_messages (flipped bytes,
truncation, broken boundaries, mangled headers, inserted junk, control characters, mixed charsets),
one in ten left pending in the inbox, imports them, builds the site from what was written, and prints:
the counts (which must add up to N), the skip reasons by kind, how many stories or pages hold lines of
base64, MIME headers or control characters (must be 0), whether every feed parses, and the times.
"""

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The top folder too: tests/sitebuild.py imports bench.checkout, and a script sees only bench/ itself.
sys.path[:0] = [str(ROOT / folder) for folder in (".", "tools", "plugins", "tests", "tests/mailbox_import")]

import feedparser  # noqa: E402
from mailbox_import.config import settings_from  # noqa: E402
from mailbox_import.pipeline import run_import  # noqa: E402
from mailcorpus import damaged_messages, write  # noqa: E402
from sitebuild import build_site  # noqa: E402
from test_fuzz import BASE64_LINE, CONTROL, MIME_HEADER, PENDING_EVERY  # noqa: E402


def main(count: int, seed: int) -> int:
    with tempfile.TemporaryDirectory(prefix="fuzz-import-") as folder:
        project = Path(folder)
        shutil.copytree(ROOT / "content", project / "content", ignore=shutil.ignore_patterns("submissions"))
        started = time.perf_counter()
        for number, data in enumerate(damaged_messages(count, seed)):
            inbox = "收件箱" if number % PENDING_EVERY == 0 else "已采用"
            write(project / "export" / inbox / f"{number:06d}.eml", data)
        made = time.perf_counter() - started
        settings = settings_from({}, project, project / "content")
        started = time.perf_counter()
        report = run_import(settings, project / "export", progress=False)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        build = build_site(project / "output", content=project / "content")
        built = time.perf_counter() - started

        counted = report.imported.total + report.unchanged + report.duplicates.total
        counted += report.left_alone.total + report.skipped.total + report.pending
        stories = [path.read_text(encoding="utf-8") for path in settings.stories_dir.glob("*.md")]
        bodies = [text.split("\n\n", 1)[-1] for text in stories]
        feeds = sorted((build.output / "feeds").rglob("*.xml"))
        broken_feeds = [path for path in feeds if feedparser.parse(path.read_bytes()).bozo]
        dirty_pages = [p for p in build.html_files() if CONTROL.search(p.read_text(encoding="utf-8"))]
        reasons = Counter(re.sub(r"“[^”]*”|（[^）]*）", "", why) for _, _, why in report.skipped)

        print(f"damaged messages: {count:,} (seed {seed}), written in {made:.1f} s")
        print(f"import: {imported:.1f} s; build: {built:.1f} s, exit code {build.returncode}")
        print(
            f"imported {report.imported.total:,} + unchanged {report.unchanged + report.duplicates.total:,}"
            f" + left alone {report.left_alone.total:,} + skipped {report.skipped.total:,}"
            f" + pending {report.pending:,} = {counted:,}"
            f" ({'equals' if counted == count else 'DIFFERS FROM'} {count:,})"
        )
        print(f"skip reasons (first {len(report.skipped):,} listed):")
        for reason, number in reasons.most_common():
            print(f"  {number:6,}  {reason}")
        print(f"stories with base64 lines: {sum(bool(BASE64_LINE.search(b)) for b in bodies)}")
        print(f"stories with MIME headers: {sum(bool(MIME_HEADER.search(b)) for b in bodies)}")
        print(f"stories with control characters: {sum(bool(CONTROL.search(t)) for t in stories)}")
        print(f"pages with control characters: {len(dirty_pages)}")
        print(f"feeds: {len(feeds)}, not parsing cleanly: {len(broken_feeds)}")
        ok = counted == count and build.returncode == 0 and not broken_feeds and not dirty_pages
        return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", nargs="?", type=int, default=20_000, help="messages (default 20,000)")
    parser.add_argument("seed", nargs="?", type=int, default=8, help="the corpus's random seed (default 8)")
    arguments = parser.parse_args()
    sys.exit(main(arguments.count, arguments.seed))
