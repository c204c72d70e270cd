"""The scale benchmark of issue 7: our build against bare Pelican and Hugo at 1,000 and 10,000 stories.

    make bench                                  (N = 1,000 and 10,000)
    make bench N=500                            (one size)
    make bench BENCH_SIZES=200,1000 BENCH_RUNS=1
    make bench N=10000 BENCH_PHOTO_STORE=/tmp/photos   (keeps the photo store: later runs skip making it)
    .venv/bin/python bench/scale.py --sizes 300,1000 --runs 1 [--markdown FILE] [--update-readme] [--keep]
                                    [--photo-store FOLDER]

For each size N, a scratch copy of the repository (its tracked and untracked-but-not-ignored files as they
are in the working tree, `.venv` linked) gets N synthetic stories (bench/stories.py: our content model,
about 1,500 Chinese characters each, dates in 2020-2023, 300 tags, on average one 1600x1200 photo of its
own per story), under bench/out/scale-N/ (removed afterwards unless --keep). Then, for each run:

  - ours, cold, no stored photos: `pelican content -s pelicanconf.py -o output` from the scratch root
    (what `make html` runs after importing), with output/, cache/ and the photo store resources/photos/
    deleted first: every derived photo is made;
  - ours, cold: the same with output/ and cache/ deleted but the photo store kept (after `make clean`, or
    a fresh clone with the store committed); the difference between the two gives photos/second/core.
    With --photo-store FOLDER, the store the first build made is hard-linked into FOLDER/N; a later run
    with the same FOLDER starts from that store and leaves the first build out (its row says so): the
    stories and their photos are the same on every run, so only what changed in the build is measured;
  - bare Pelican 4.12 on the same content folder: default theme, no plugins, its own RSS and Atom feeds
    for all stories, each category and each tag, DEFAULT_PAGINATION 10, the same ARTICLE_PATHS, PAGE_PATHS
    and STATIC_PATHS, empty output;
  - ours, cold, with the search index off (`-e SEARCH_ENABLED=false`, into output-unsearched/ with a
    cache of its own, both removed afterwards): what every other feature costs together;
  - Hugo, when `hugo` is on PATH: the same N stories (not the repository's own few) as a Hugo site with
    minimal list and single layouts, its default RSS, pagination 10, empty public/;
  - ours again, each right after the previous build and keeping output/ and cache/: with no change, after
    adding one story (the newest, the same story at every N, with six 4032x3024 phone photos), after
    editing one story's body. The output
    files changed by each (added, modified, deleted, by sha256 of every file under output/) are counted.
    The added and edited stories are put back afterwards, so every run starts from the same content.

Every build is timed (wall clock) and its processes watched: /proc is polled every 30 ms for the build's
process tree, and the peak resident size (VmHWM) of each process is kept; the table shows the highest and
the number of processes (a forked pool worker counts as its own). wait4's ru_maxrss for the reaped tree is
printed as a cross-check (an upper bound: it also counts this script's own memory, which a child shares
until it execs). wait4 also gives the tree's processor time (user + system, every worker process
included); the table sets it beside what bare Pelican's wall time leaves on this machine's cores,
so whether the cold target can be met here at all is in the table. Times are medians over the runs,
ratios the medians of the ratios within each run (paired); memory and changed files are the highest over
the runs. Default runs: 3 up to 2,000 stories, 1 above (a 10,000-story run takes minutes on two cores),
so the 10k column is one run.

The table marks each target of issue 7 as met or not: full build <= 1.0x bare Pelican (issue 19 restated
issue 7's 0.8x: the search index is half of a cold build's processor time); rebuild after
adding or editing one story <= 20% of our full build, with no change <= 10%; every process < 512 MiB; build
time growing at most 1.1x as fast as the site (10k/1k <= 11x); files changed by one added story not growing
with the site (at the largest N at most 1.1x those at the smallest). Hugo is reported, not judged (within
2x is the issue's horizon). It also gives the weight of one generated story's article page: its HTML plus
the CSS (with @imports) and JavaScript it loads, no photos.

The table is printed and written as Markdown to bench/out/scale.md (or --markdown FILE), every figure as
JSON next to it; --update-readme puts the table into README.md between the bench:scale markers.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import runpy
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from checkout import copy_checkout
from stories import (
    PHOTO_FOLDER,
    STORY_FOLDER,
    Story,
    added_story,
    edited,
    pelican_markdown,
    write_photos,
    write_stories,
)
from timed_build import ROOT, Measured, measured_run

OUT = ROOT / "bench" / "out"
DEFAULT_SIZES = (1_000, 10_000)
README_MARKERS = ("<!-- bench:scale -->", "<!-- /bench:scale -->")
MIB_LIMIT = 512
CORES = os.cpu_count() or 1
STARTED = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.0f} s] {message}", flush=True)


# --- The scratch sites ---------------------------------------------------------------------------


BARE_SETTINGS = """# Bare Pelican for the scale benchmark: default theme, no plugins, its own feeds.
SITENAME = "bench"
SITEURL = ""
PATH = {path!r}
TIMEZONE = {timezone!r}
DEFAULT_LANG = {lang!r}
ARTICLE_PATHS = {article_paths!r}
PAGE_PATHS = {page_paths!r}
STATIC_PATHS = {static_paths!r}
DEFAULT_PAGINATION = 10
PLUGINS = []
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{{slug}}.rss.xml"
TAG_FEED_ATOM = "feeds/{{slug}}.tag.atom.xml"
TAG_FEED_RSS = "feeds/{{slug}}.tag.rss.xml"
"""

HUGO_CONFIG = """baseURL = "http://localhost:8000/"
languageCode = "zh-cn"
title = "bench"
paginate = 10
hasCJKLanguage = true
disableKinds = ["robotsTXT"]
[taxonomies]
category = "categories"
tag = "tags"
"""
HUGO_HEAD = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
HUGO_LAYOUTS = {
    "_default/single.html": HUGO_HEAD
    + '<body><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }} {{ .Params.org }}'
    + " {{ range .Params.tags }}"
    + '<a href="{{ (printf "tags/%s/" (. | urlize)) | relURL }}">{{ . }}</a> {{ end }}'
    + "</p>{{ .Content }}</body></html>\n",
    "_default/list.html": HUGO_HEAD
    + "<body><h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}"
    + '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>'
    + '{{ template "_internal/pagination.html" . }}</body></html>\n',
}


def hugo_markdown(story: Story) -> str:
    def toml(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    front = [
        f"title = {toml(story.title)}",
        f"date = {story.date:%Y-%m-%dT%H:%M:00+08:00}",
        f"categories = {toml([story.category])}",
        f"tags = {toml(list(story.tags))}",
        f"slug = {toml(story.slug)}",
        f"summary = {toml(story.summary)}",
        f"org = {toml(story.org)}",
    ]
    return "+++\n" + "\n".join(front) + "\n+++\n\n" + story.body.replace("{static}/", "/") + "\n"


@dataclass
class Scratch:
    folder: Path
    repo: Path
    hugo: Path | None
    stories: list[Story]
    cache: Path  # our CACHE_PATH (Pelican's default "cache" if pelicanconf.py does not set it)
    photos: Path  # our PHOTOS_STORE, the derived photos

    @property
    def output(self) -> Path:
        return self.repo / "output"

    @property
    def bare_output(self) -> Path:
        return self.folder / "bare-output"

    def story_path(self, story: Story) -> Path:
        return self.repo / "content" / STORY_FOLDER / story.filename


def make_scratch(count: int, with_hugo: bool) -> Scratch:
    folder = OUT / f"scale-{count}"
    shutil.rmtree(folder, ignore_errors=True)
    repo = copy_checkout(ROOT, folder / "repo")
    stories = write_stories(repo / "content", count)
    ours = runpy.run_path(str(repo / "pelicanconf.py"))
    (folder / "bare.py").write_text(
        BARE_SETTINGS.format(
            path=str(repo / "content"),
            timezone=ours["TIMEZONE"],
            lang=ours["DEFAULT_LANG"],
            article_paths=ours["ARTICLE_PATHS"],
            page_paths=ours["PAGE_PATHS"],
            static_paths=ours["STATIC_PATHS"],
        ),
        encoding="utf-8",
    )
    hugo = folder / "hugo" if with_hugo else None
    if hugo:
        (hugo / "content" / "posts").mkdir(parents=True)
        (hugo / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        for name, text in HUGO_LAYOUTS.items():
            (hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (hugo / "layouts" / name).write_text(text, encoding="utf-8")
        shutil.copytree(repo / "content" / PHOTO_FOLDER, hugo / "static" / PHOTO_FOLDER)
        for story in stories:
            (hugo / "content" / "posts" / story.filename).write_text(hugo_markdown(story), encoding="utf-8")
    photos = repo / ours.get("PHOTOS_STORE", "resources/photos")
    return Scratch(folder, repo, hugo, stories, repo / ours.get("CACHE_PATH", "cache"), photos)


# --- Measuring -----------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


@dataclass(frozen=True)
class Changes:
    added: int
    modified: int
    deleted: int

    @property
    def total(self) -> int:
        return self.added + self.modified + self.deleted

    def __str__(self) -> str:
        return f"{self.total:,} ({self.added}/{self.modified}/{self.deleted})"


def changes(before: dict[str, str], after: dict[str, str]) -> Changes:
    return Changes(
        added=len(after.keys() - before.keys()),
        modified=sum(1 for name in after.keys() & before.keys() if after[name] != before[name]),
        deleted=len(before.keys() - after.keys()),
    )


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split() and values.get("href"):
            self.found.append(values["href"])
        if tag == "script" and values.get("src"):
            self.found.append(values["src"])


def _local_file(site: Path, base: Path, address: str) -> Path | None:
    address = address.split("#")[0].split("?")[0]
    if re.match(r"^[a-z]+:|^//", address):
        return None  # another host: nothing of ours
    path = site / address.lstrip("/") if address.startswith("/") else base / address
    return path.resolve() if path.resolve().is_file() else None


def page_weight(site: Path, page: Path) -> tuple[int, int]:
    """Bytes of the page's HTML, and of the CSS (following @import) and JavaScript it loads."""
    parser = _Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    pending = [p for address in parser.found if (p := _local_file(site, page.parent, address))]
    seen: set[Path] = set()
    while pending:
        asset = pending.pop()
        if asset in seen:
            continue
        seen.add(asset)
        if asset.suffix == ".css":
            imports = re.findall(
                r"""@import\s+(?:url\()?["']?([^"')\s;]+)""", asset.read_text(errors="replace")
            )
            pending += [p for address in imports if (p := _local_file(site, asset.parent, address))]
    return page.stat().st_size, sum(asset.stat().st_size for asset in seen)


@dataclass
class SizeResult:
    count: int
    runs: int
    ours: list[Measured] = field(default_factory=list)
    unstored: list[Measured] = field(default_factory=list)  # ours, cold, without resources/photos/
    photos: int = 0  # source pictures the stories show
    unsearched: list[Measured] = field(default_factory=list)  # ours with SEARCH_ENABLED = False
    bare: list[Measured] = field(default_factory=list)
    hugo: list[Measured] = field(default_factory=list)
    no_change: list[Measured] = field(default_factory=list)
    added: list[Measured] = field(default_factory=list)
    edited: list[Measured] = field(default_factory=list)
    changed: dict[str, list[Changes]] = field(default_factory=dict)
    weights: dict[str, tuple[int, int]] = field(default_factory=dict)
    output_files: int = 0
    output_mib: float = 0.0


def timed(label: str, result: list[Measured], command: list[str], cwd: Path, log: Path) -> Measured:
    measured = measured_run(command, cwd, log)
    result.append(measured)
    progress(
        f"  {label}: {measured.seconds:.1f} s ({measured.cpu_seconds:.0f} s of processor time), "
        f"peak {measured.peak_mib:.0f} MiB "
        f"in {measured.processes} process{'es' if measured.processes != 1 else ''} "
        f"(ru_maxrss {measured.maxrss_mib:.0f} MiB)"
    )
    return measured


def link_tree(source: Path, destination: Path) -> None:
    """`destination` as a copy of `source` made of hard links (a copy where links are refused): the
    store's pictures are written whole and replaced, never changed in place."""

    def link_or_copy(from_path: str, to_path: str) -> None:
        try:
            os.link(from_path, to_path)
        except OSError:
            shutil.copy2(from_path, to_path)

    shutil.copytree(source, destination, copy_function=link_or_copy)


def measure_size(
    count: int, runs: int, with_hugo: bool, keep: bool, photo_store: Path | None = None
) -> SizeResult:
    progress(f"N = {count:,}: writing the scratch site into {OUT.relative_to(ROOT)}/scale-{count}/")
    scratch = make_scratch(count, with_hugo)
    result = SizeResult(count, runs)
    ours = [
        str(scratch.repo / ".venv" / "bin" / "pelican"),
        "content",
        "-s",
        "pelicanconf.py",
        "-o",
        "output",
    ]
    bare = [ours[0], str(scratch.repo / "content"), "-s", "bare.py", "-o", str(scratch.bare_output)]
    # Every feature but the search index, into folders of its own: what the rest of the build costs.
    unsearched_output = scratch.repo / "output-unsearched"
    unsearched_cache = scratch.repo / "cache-unsearched"
    unsearched = [
        *ours[:-1], str(unsearched_output),
        "-e", "SEARCH_ENABLED=false", f"CACHE_PATH={json.dumps(str(unsearched_cache))}",
    ]
    log = scratch.folder / "build.log"
    new = added_story(count)
    target = scratch.stories[count // 2]
    for run in range(1, runs + 1):
        progress(f"N = {count:,}, run {run} of {runs}")
        for stale in (scratch.output, scratch.cache, scratch.bare_output, scratch.photos):
            shutil.rmtree(stale, ignore_errors=True)
        if photo_store is not None and photo_store.is_dir():
            progress(f"    the photo store of an earlier run: {photo_store} (no cold build without it)")
            link_tree(photo_store, scratch.photos)
        else:
            timed("ours, cold, no stored pictures", result.unstored, ours, scratch.repo, log)
            if photo_store is not None and scratch.photos.is_dir():
                link_tree(scratch.photos, photo_store)
            for stale in (scratch.output, scratch.cache):
                shutil.rmtree(stale)
        timed("ours, cold", result.ours, ours, scratch.repo, log)
        timed("bare Pelican", result.bare, bare, scratch.folder, log)
        timed("ours, cold, search index off", result.unsearched, unsearched, scratch.repo, log)
        for folder in (unsearched_output, unsearched_cache):
            shutil.rmtree(folder)
        if scratch.hugo:
            for stale in ("public", "resources"):
                shutil.rmtree(scratch.hugo / stale, ignore_errors=True)
            timed("Hugo", result.hugo, ["hugo", "--quiet", "-s", str(scratch.hugo)], scratch.hugo, log)

        edits: list[tuple[str, list[Measured], Callable[[], None]]] = [
            ("no change", result.no_change, lambda: None),
            ("one story added", result.added, lambda: write_story(scratch, new)),
            ("one story edited", result.edited, lambda: write_story(scratch, edited(target))),
        ]
        before = snapshot(scratch.output)
        for label, measured, edit in edits:
            edit()
            timed(f"ours, rebuild, {label}", measured, ours, scratch.repo, log)
            after = snapshot(scratch.output)
            result.changed.setdefault(label, []).append(changes(before, after))
            progress(f"    output files changed (added/modified/deleted): {result.changed[label][-1]}")
            before = after
        scratch.story_path(new).unlink()
        for photo in new.photos:
            (scratch.repo / "content" / photo).unlink()
        write_story(scratch, target)

    result.photos = len({photo for story in scratch.stories for photo in story.photos})
    result.output_files = len(before)
    result.output_mib = sum(p.stat().st_size for p in scratch.output.rglob("*") if p.is_file()) / 2**20
    slug = scratch.stories[0].slug
    pages = (
        ("ours", scratch.output, next(scratch.output.glob(f"stories/*/{slug}/index.html"))),
        ("bare Pelican", scratch.bare_output, scratch.bare_output / f"{slug}.html"),
    )
    result.weights = {name: page_weight(site, page) for name, site, page in pages}
    if not keep:
        shutil.rmtree(scratch.folder)
    return result


def write_story(scratch: Scratch, story: Story) -> None:
    write_photos(scratch.repo / "content", [story])
    scratch.story_path(story).write_text(pelican_markdown(story), encoding="utf-8")


# --- The table -----------------------------------------------------------------------------------


def median_seconds(measured: Iterable[Measured]) -> float:
    return statistics.median(m.seconds for m in measured)


def median_cpu(measured: Iterable[Measured]) -> float:
    return statistics.median(m.cpu_seconds for m in measured)


def paired_ratio(measured: list[Measured], reference: list[Measured]) -> float:
    """The median of the ratios within each run: builds of one run ran minutes apart, not hours."""
    return statistics.median(m.seconds / r.seconds for m, r in zip(measured, reference, strict=True))


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def photo_rate(r: SizeResult) -> float:
    """Photos made per second per core: the stories' photos over what making them added to a cold build."""
    extra = median_seconds(r.unstored) - median_seconds(r.ours)
    return r.photos / (extra * CORES) if extra > 0 else float("inf")


def table_rows(results: list[SizeResult]) -> list[list[str]]:
    """Rows of (what, target, one cell per size)."""

    def row(label: str, target: str, cell: Callable[[SizeResult], str]) -> list[str]:
        return [label, target, *(cell(r) for r in results)]

    def ours(r: SizeResult) -> float:
        return median_seconds(r.ours)

    def rebuild(
        measured: Callable[[SizeResult], list[Measured]], limit: float
    ) -> Callable[[SizeResult], str]:
        def cell(r: SizeResult) -> str:
            share = paired_ratio(measured(r), r.ours)
            return f"{median_seconds(measured(r)):.1f} s = {share:.0%}, {verdict(share <= limit)}"

        return cell

    def memory(measured: Callable[[SizeResult], list[Measured]]) -> Callable[[SizeResult], str]:
        def cell(r: SizeResult) -> str:
            if not measured(r):
                return "-"
            peak = max(m.peak_mib for m in measured(r))
            processes = max(m.processes for m in measured(r))
            return f"{peak:.0f} MiB ({processes} process{'es' if processes > 1 else ''})"

        return cell

    def ours_builds(r: SizeResult) -> list[Measured]:
        return [*r.ours, *r.no_change, *r.added, *r.edited]

    def our_memory(r: SizeResult) -> str:
        return f"{memory(ours_builds)(r)}, {verdict(max(m.peak_mib for m in ours_builds(r)) < MIB_LIMIT)}"

    def growth(r: SizeResult) -> str:
        index = results.index(r)
        if index == 0:
            return "-"
        previous = results[index - 1]
        times, sizes = ours(r) / ours(previous), r.count / previous.count
        return f"{times:.1f}x for {sizes:.1f}x the stories, {verdict(times <= 1.1 * sizes)}"

    def changed(label: str, judged: bool) -> Callable[[SizeResult], str]:
        def cell(r: SizeResult) -> str:
            worst = max(r.changed[label], key=lambda c: c.total)
            if not judged or len(results) == 1 or r is results[0]:
                return str(worst)
            first = max(c.total for c in results[0].changed[label])
            return f"{worst}, {verdict(worst.total <= 1.1 * first)}"

        return cell

    def weight(name: str) -> Callable[[SizeResult], str]:
        def cell(r: SizeResult) -> str:
            html, assets = r.weights[name]
            return f"{(html + assets) / 1024:.0f} KiB ({html / 1024:.0f} + {assets / 1024:.0f})"

        return cell

    rows = [
        row("our full build, cold (photos in resources/photos/)", "", lambda r: f"{ours(r):.1f} s"),
        row(
            "our full build, cold, no stored photos: all made",
            "",
            lambda r: f"{median_seconds(r.unstored):.1f} s for {r.photos:,} photos = "
            f"{photo_rate(r):.1f} photos/s/core"
            if r.unstored
            else "not measured (--photo-store)",
        ),
        row("bare Pelican 4.12, cold", "", lambda r: f"{median_seconds(r.bare):.1f} s"),
        row("Hugo, cold", "", lambda r: f"{median_seconds(r.hugo):.1f} s" if r.hugo else "not installed"),
        row(
            "ours / bare Pelican",
            "<= 1.0x (issue 19)",
            lambda r: f"{paired_ratio(r.ours, r.bare):.2f}x, {verdict(paired_ratio(r.ours, r.bare) <= 1.0)}",
        ),
        row(
            "ours / Hugo", "2x (horizon)", lambda r: f"{paired_ratio(r.ours, r.hugo):.1f}x" if r.hugo else "-"
        ),
        row(
            "our full build without the search index / bare Pelican",
            "",
            lambda r: f"{median_seconds(r.unsearched):.1f} s = {paired_ratio(r.unsearched, r.bare):.2f}x",
        ),
        row(
            "processor time, user + system: ours / without search / bare",
            "",
            lambda r: " / ".join(f"{median_cpu(m):.0f} s" for m in (r.ours, r.unsearched, r.bare)),
        ),
        row(
            f"processor time that bare Pelican's wall time leaves on {CORES} cores",
            "",
            lambda r: f"{median_seconds(r.bare) * CORES:.0f} s",
        ),
        row(
            "rebuild, one story with six 4032x3024 phone photos added",
            "<= 20% of full",
            rebuild(lambda r: r.added, 0.2),
        ),
        row("rebuild, one story edited", "<= 20% of full", rebuild(lambda r: r.edited, 0.2)),
        row("rebuild, no change", "<= 10% of full", rebuild(lambda r: r.no_change, 0.1)),
        row(
            "files changed by one added story (added/modified/deleted)",
            "not growing with N",
            changed("one story added", judged=True),
        ),
        row("files changed by one edited story", "", changed("one story edited", judged=False)),
        row("files changed by a rebuild with no change", "", changed("no change", judged=False)),
        row("peak memory of our builds: highest process (processes)", f"< {MIB_LIMIT} MiB each", our_memory),
        row(
            "cross-check: ru_maxrss of our build trees",
            "upper bound",
            lambda r: f"{max(m.maxrss_mib for m in ours_builds(r)):.0f} MiB",
        ),
        row("peak memory, bare Pelican", "", memory(lambda r: r.bare)),
        row("peak memory, Hugo", "", memory(lambda r: r.hugo)),
        row("growth of our full build", "<= 1.1x the stories' (11x for 10x)", growth),
        row("article page, ours: HTML + CSS and JS", "", weight("ours")),
        row("article page, bare Pelican", "", weight("bare Pelican")),
        row("our output", "", lambda r: f"{r.output_files:,} files, {r.output_mib:.0f} MiB"),
    ]
    return rows


def header(results: list[SizeResult]) -> list[str]:
    return [
        "",
        "target",
        *(f"{r.count:,} stories ({r.runs} run{'s' if r.runs > 1 else ''})" for r in results),
    ]


def plain_table(results: list[SizeResult]) -> str:
    lines = [header(results), *table_rows(results)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def markdown_table(results: list[SizeResult], about: str) -> str:
    lines = [header(results), ["---"] * len(header(results)), *table_rows(results)]
    return about + "\n\n" + "\n".join("| " + " | ".join(line) + " |" for line in lines) + "\n"


def machine() -> str:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    hugo = shutil.which("hugo")
    hugo_version = (
        subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1] if hugo else ""
    )
    import pelican

    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit.stdout.strip()}, "
        f"{CORES} cores, Python {platform.python_version()}, Pelican {pelican.__version__}"
        + (f", Hugo {hugo_version}" if hugo else "")
        + ". Times are medians; memory and changed files the highest over the runs."
    )


def update_readme(table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = README_MARKERS
    if start not in text or end not in text:
        raise SystemExit(f"README.md has no {start} … {end} markers")
    before, rest = text.split(start, 1)
    readme.write_text(before + start + "\n" + table + rest[rest.index(end) :], encoding="utf-8")


def default_runs(count: int) -> int:
    return 3 if count <= 2_000 else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="story counts, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, help="runs per size (default: 3 up to 2,000 stories, 1 above)")
    parser.add_argument(
        "--markdown", type=Path, default=OUT / "scale.md", help="where to write the Markdown table"
    )
    parser.add_argument("--update-readme", action="store_true", help="put the table into README.md")
    parser.add_argument("--keep", action="store_true", help="keep the scratch sites in bench/out/")
    parser.add_argument(
        "--photo-store",
        type=Path,
        help="a folder keeping the photo store between runs (PHOTO_STORE/N per size): the first run "
        "links its store there after the cold build without one; later runs start from it and skip "
        "that build (over an hour at 10,000 stories on two cores)",
    )
    arguments = parser.parse_args()
    sizes = sorted(int(size.replace("_", "")) for size in arguments.sizes.split(",") if size.strip())
    about = machine()  # the commit measured, before anyone commits during the run
    with_hugo = shutil.which("hugo") is not None
    if not with_hugo:
        progress("hugo is not on PATH: the Hugo rows stay empty")
    results = [
        measure_size(
            count,
            arguments.runs or default_runs(count),
            with_hugo,
            arguments.keep,
            arguments.photo_store / str(count) if arguments.photo_store else None,
        )
        for count in sizes
    ]
    print("\n" + about + "\n\n" + plain_table(results))
    table = markdown_table(results, about)
    arguments.markdown.parent.mkdir(parents=True, exist_ok=True)
    arguments.markdown.write_text(table, encoding="utf-8")
    figures = arguments.markdown.with_suffix(".json")
    figures.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    print(f"\nMarkdown table: {arguments.markdown}; every figure: {figures}")
    if arguments.update_readme:
        update_readme(table)
        print("README.md updated")


if __name__ == "__main__":
    main()
