"""How long full-text search (plugins/search) adds to a build, for the repository's content and for
the same content plus N synthetic stories (bench/stories.py).

    .venv/bin/python bench/search.py [N]      (default N = 300)

For each site: one build with every plugin and one with SEARCH_ENABLED=False, then Pagefind run
alone three times on the built output (median). Prints the times, the pages indexed and the size of
output/pagefind/. No targets are asserted; compare runs over time.
"""

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "plugins")]

from search.indexing import DEFAULT_SETTINGS, index_site  # noqa: E402
from stories import write_stories  # noqa: E402
from timed_build import build_seconds  # noqa: E402


def measure(label: str, content: Path, work: Path) -> None:
    with_search = build_seconds(content, work / "with", {"SEARCH_ENABLED": True})
    without = build_seconds(content, work / "without", {"SEARCH_ENABLED": False})
    excluded, timeout = DEFAULT_SETTINGS["SEARCH_EXCLUDED_FOLDERS"], DEFAULT_SETTINGS["SEARCH_INDEX_TIMEOUT"]
    runs = [index_site(work / "with", excluded, timeout) for _ in range(3)]
    files = [f for f in (work / "with" / "pagefind").rglob("*") if f.is_file()]
    print(f"{label}")
    print(f"  pages indexed:            {sum(runs[-1].pages_by_language.values())}")
    print(f"  build with search:        {with_search:6.2f} s")
    print(f"  build without search:     {without:6.2f} s")
    print(f"  search adds to the build: {with_search - without:6.2f} s")
    print(f"  Pagefind alone (median):  {statistics.median(r.seconds for r in runs):6.2f} s")
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    print(f"  output/pagefind/:         {len(files)} files, {megabytes:.2f} MB")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        measure("repository content", ROOT / "content", work / "repo")
        content = work / "content"
        shutil.copytree(ROOT / "content", content)
        write_stories(content, count)
        measure(f"repository content + {count} synthetic stories", content, work / "synthetic")


if __name__ == "__main__":
    main()
