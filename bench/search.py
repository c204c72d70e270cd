"""What the search index (plugins/search) gives readers and costs the build, at 1,000 and 10,000
stories whose text draws on a real Chinese word-frequency list (jieba's dict.txt, 349,046 words with
their frequencies; pinned in requirements-test.txt, read from the installed package, no network).

    .venv/bin/python bench/search.py [--sizes 1000,10000] [--per-kind 10] [--no-throttle] [--chunk-bytes N]
                                     [--pagefind]

For each size:
- the index, cold, in a fresh process (processor seconds, wall seconds, peak RSS of that process,
  the stories' text included), then after adding one story and after editing one (files written);
- queries that occur in exactly one story (checked against every story's text), by kind: a word,
  the front of a longer word, a 3-4 character piece of a sentence, a person's name and part of it, a
  piece of the title, a number, two words separated by a space; each searched in a fresh Chromium
  context (Debian's chromium) on the search page of the sample site built by Pelican, served by
  Debian's nginx with deploy/nginx.conf, with this index in place of its own: is that story first,
  in the first 10; every request of the page and its bytes (page, styles, scripts and index
  files); the time to the first results under Lighthouse's mobile throttling (150 ms round trip,
  1.6 Mbps down).
With --pagefind, the same stories and queries also go through Pagefind extended (its Chinese word
segmentation; `pip install -r bench/requirements.txt`) side by side: one page per story, one index
over them all (processor and wall seconds, peak memory of the indexer, files), each query on a page
that only runs Pagefind's own search API and lists the first 10 (so its page, styles and scripts
are a few hundred bytes where ours are about 45 KB), served and throttled the same way.
Prints a Markdown table (README.md, "Search"). No targets are asserted.
"""

import argparse
import html
import multiprocessing
import pickle
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "tests"), str(ROOT / "deploy")]

from nginx_local import free_port, nginx_running, nginx_serving, site_config  # noqa: E402
from search.documents import Document  # noqa: E402
from search.layout import DEFAULTS, with_carried_entry  # noqa: E402
from search.site_index import index_site  # noqa: E402

from tests.browsing import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.sitebuild import build_site  # noqa: E402

SEED = 19
BODY_CHARACTERS = 1600
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
    "鹏辉建国志宏晓峰海燕文斌宇浩凯健俊帆帅旭宁"
)
REGIONS = [
    "南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市",
]
CATEGORIES = ["工作动态", "经验做法", "先进典型"]
ORG_TYPES = ["慈善组织", "志愿服务组织", "行业协会商会", "社区社会组织"]
HAN_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
PAGE = "search/"


def vocabulary() -> tuple[list[str], np.ndarray]:
    """jieba's words (Han only) and their probabilities."""
    import jieba

    words, counts = [], []
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        word, count, *_ = line.split(" ")
        if re.fullmatch(r"[\u4e00-\u9fff]+", word):
            words.append(word)
            counts.append(int(count))
    weights = np.array(counts, dtype=np.float64)
    return words, weights / weights.sum()


def corpus(count: int) -> list[Document]:
    """`count` stories: text drawn word by word from the frequency list, with a person's name and
    a five-digit number each, dates over 2020-2023, filters from the site's vocabularies."""
    words, probabilities = vocabulary()
    rng = np.random.default_rng(SEED)
    plain = random.Random(SEED)
    names: set[str] = set()
    drawn = rng.choice(len(words), size=count * 900, p=probabilities)
    stories = []
    for number in range(count):
        picks = drawn[number * 900:(number + 1) * 900]
        sentence, text = [], []
        for position, index in enumerate(picks):
            sentence.append(words[index])
            if position % 9 == 8:
                text.append("".join(sentence) + plain.choice("，，，。"))
                sentence = []
        while True:
            name = plain.choice(SURNAMES) + plain.choice(GIVEN) + plain.choice(GIVEN)
            if name not in names:
                names.add(name)
                break
        body = "".join(text)[:BODY_CHARACTERS]
        cut = plain.randrange(100, BODY_CHARACTERS - 100)
        body = f"{body[:cut]}志愿者{name}登记编号{10000 + number * 7 % 90000}，{body[cut:]}"
        title = "".join(words[index] for index in rng.choice(len(words), size=6, p=probabilities))[:22]
        minute = plain.randrange(4 * 365 * 24 * 60)
        date = time.strftime("%Y-%m-%dT%H:%M:00+08:00", time.gmtime(1577836800 + minute * 60))
        filters = {"category": plain.choice(CATEGORIES), "org_type": plain.choice(ORG_TYPES),
                   "region": plain.choice(REGIONS)}
        stories.append(Document(f"stories/bench/{number}/", title, body, date, "某社会组织", filters))
    return stories


def unique_queries(stories: list[Document], per_kind: int) -> list[tuple[str, str, str]]:
    """(kind, query, address of the one story holding it), `per_kind` of each kind."""
    texts = [f"{story.title}\n{story.text}" for story in stories]
    words, _ = vocabulary()
    known = set(words)
    rng = random.Random(SEED + len(stories))
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)

    def holders(query: str) -> list[int]:
        parts = query.split()
        return [n for n, text in enumerate(texts) if all(part in text for part in parts)]

    def offer(kind: str, query: str, number: int) -> None:
        if len(found[kind]) < per_kind and query not in {q for _, q, _ in found[kind]} \
                and holders(query) == [number]:
            found[kind].append((kind, query, stories[number].url))

    for _ in range(40 * per_kind):
        if all(len(found[kind]) >= per_kind for kind in KINDS):
            break
        number = rng.randrange(len(stories))
        story = stories[number]
        name = re.search(r"志愿者(\w{3})登记编号(\d{5})", story.text)
        offer("name", name[1], number)
        offer("name", name[1][1:], number)
        offer("number", name[2], number)
        runs = HAN_RUN.findall(story.text)
        run = rng.choice(runs)
        start = rng.randrange(max(1, len(run) - 4))
        offer("piece", run[start:start + rng.choice((3, 4))], number)
        held = [word for word in known_words(story.text, known) if len(word) >= 2]
        long_words = [word for word in held if len(word) >= 4]
        if held:
            offer("word", rng.choice(held), number)
        if long_words:
            word = rng.choice(long_words)
            offer("word front", word[:rng.choice((2, 3))], number)
        title_runs = HAN_RUN.findall(story.title)
        if title_runs:
            run = max(title_runs, key=len)
            start = rng.randrange(max(1, len(run) - 4))
            offer("title piece", run[start:start + 4], number)
        if len(held) >= 2:
            first, second = rng.sample(held, 2)
            offer("two words", f"{first} {second}", number)
    return [query for kind in KINDS for query in found[kind]]


KINDS = ("word", "word front", "piece", "name", "title piece", "number", "two words")


def known_words(text: str, known: set[str]) -> list[str]:
    """Words of the list in the text (greedy, longest first, up to 4 characters)."""
    found, at = [], 0
    while at < len(text):
        for size in (4, 3, 2):
            if text[at:at + size] in known:
                found.append(text[at:at + size])
                at += size
                break
        else:
            at += 1
    return found


def index_in_fresh_process(
    stories_file: Path, output: Path, cache: Path, chunk_bytes: int, queue: multiprocessing.Queue
) -> None:
    with stories_file.open("rb") as file:
        stories = pickle.load(file)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = index_site(output, stories, cache, chunk_bytes=chunk_bytes)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    queue.put((cpu, time.perf_counter() - started, peak_mib(), report.files_written))


def peak_mib() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux carries that over from the parent
    across exec, so a spawned process would report the benchmark's own size."""
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)[1]) / 1024


Figures = tuple[float, float, float, int]


def measured(
    stories: list[Document], output: Path, cache: Path, scratch: Path, chunk_bytes: int
) -> Figures:
    """Processor seconds, wall seconds, peak MiB and files written of index_site in a fresh process."""
    stories_file = scratch / "stories.pickle"
    stories_file.write_bytes(pickle.dumps(stories))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    arguments = (stories_file, output, cache, chunk_bytes, queue)
    process = context.Process(target=index_in_fresh_process, args=arguments)
    process.start()
    figures = queue.get()
    process.join()
    return figures


def search_in_browser(browser: Any, url: str, query: str, throttle: bool) -> dict:
    # deploy/nginx.conf's CSP forbids eval, which Playwright's waiting uses; nothing else changes.
    context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
    page = context.new_page()
    if throttle:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 150,
            "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8,
        })
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    started = time.perf_counter()
    page.goto(f"{url}{PAGE}?q={query}")
    page.wait_for_function(
        "(status => !['', '正在搜索……'].includes(status.textContent))"
        "(document.getElementById('search-status'))",
        timeout=60_000,
    )
    seconds = time.perf_counter() - started
    links = page.locator("#search-results h2 a").evaluate_all("all => all.map(a => a.getAttribute('href'))")
    page.wait_for_load_state("networkidle")
    context.close()
    return {"links": [link.removeprefix("/") for link in links], "requests": len(sizes),
            "bytes": sum(sizes.values()), "seconds": seconds}


def searched(browser: Any, url: str, queries: list[tuple[str, str, str]], throttle: bool) -> list[dict]:
    """Each query on the search page at `url`: is its story first, in the first 10; requests, bytes,
    and the time to the first results throttled."""
    results = []
    for kind, query, address in queries:
        found = search_in_browser(browser, url, query, False)
        timed = search_in_browser(browser, url, query, True)["seconds"] if throttle else float("nan")
        results.append({"kind": kind, "query": query, "first": found["links"][:1] == [address],
                        "top10": address in found["links"][:10], **found, "throttled": timed})
    return results


PAGEFIND_SEARCH = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind</title>
</head><body><p id="search-status"></p><ol id="search-results"></ol><script type="module">
const query = new URLSearchParams(location.search).get("q");
const pagefind = await import("/pagefind/pagefind.js");
const found = await pagefind.search(query);
const shown = await Promise.all(found.results.slice(0, 10).map((result) => result.data()));
document.getElementById("search-results").innerHTML =
  shown.map((data) => `<li><h2><a href="${data.url}">x</a></h2></li>`).join("");
document.getElementById("search-status").textContent = `${found.results.length}`;
</script></body></html>
"""


def pagefind_site(stories: list[Document], folder: Path) -> Figures:
    """One page per story and Pagefind extended's index over them all: processor s, wall s, peak MiB
    of the indexer, files of the index."""
    from pagefind_bin_extended import get_executable

    shutil.rmtree(folder, ignore_errors=True)
    for story in stories:
        page = folder / story.url / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in story.text.split("\n"))
        page.write_text(
            f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(story.title)}'
            f"</title></head><body><main data-pagefind-body><h1>{html.escape(story.title)}</h1>{paragraphs}"
            "</main></body></html>",
            encoding="utf-8",
        )
    (folder / PAGE).mkdir(parents=True, exist_ok=True)
    (folder / PAGE / "index.html").write_text(PAGEFIND_SEARCH, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(  # /usr/bin/time: the indexer's own peak memory (%M, KiB)
        ["/usr/bin/time", "-f", "%M", str(get_executable()), "--site", str(folder), "--quiet"],
        capture_output=True, text=True, check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    files = sum(1 for path in (folder / "pagefind").rglob("*") if path.is_file())
    return cpu, wall, int(run.stderr.strip().splitlines()[-1]) / 1024, files


def pagefind_searches(
    stories: list[Document], queries: list, folder: Path, browser: Any, throttle: bool
) -> dict:
    figures = pagefind_site(stories, folder)
    index_files = [path for path in (folder / "pagefind").rglob("*") if path.is_file()]
    port = free_port()
    # As deploy/nginx.conf serves our site, but Pagefind's WebAssembly needs 'wasm-unsafe-eval'.
    site = site_config(folder.resolve(), port)
    site = site.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")
    with nginx_running(site, port):
        results = searched(browser, f"http://127.0.0.1:{port}/", queries, throttle)
    return {"count": len(stories), "cold": figures, "results": results, "index_files": len(index_files),
            "index_bytes": sum(path.stat().st_size for path in index_files)}


def carry_entry(site: Path) -> None:
    """The search page as a build with this index writes it: carrying the index's entry."""
    page = site / PAGE / "index.html"
    entry = (site / "search-index" / "index.json").read_text(encoding="utf-8")
    page.write_text(with_carried_entry(page.read_text(encoding="utf-8"), entry), encoding="utf-8")


def run_size(
    count: int, per_kind: int, site: Path, work: Path, browser: Any, throttle: bool, chunk_bytes: int,
    pagefind: bool = False,
) -> dict:
    stories = corpus(count)
    output, cache = work / f"index-{count}", work / f"cache-{count}"
    cold = measured(stories, output, cache, work, chunk_bytes)
    added = Document("stories/bench/added/", "新增的稿件", "一篇新稿件，提到鸭嘴兽保护。",
                     "2024-01-01T09:00:00+08:00", "某社会组织", stories[0].filters)
    add = measured([*stories, added], output, cache, work, chunk_bytes)
    edited = replace(stories[5], text=stories[5].text + "补充一句。")
    edit = measured([*stories[:5], edited, *stories[6:], added], output, cache, work, chunk_bytes)
    index_files = [path for path in (output / "search-index").rglob("*") if path.is_file()]
    index_bytes = sum(path.stat().st_size for path in index_files)
    # The cold index, as a reader's browser meets it.
    shutil.rmtree(output)
    shutil.rmtree(cache)
    index_site(output, stories, cache, chunk_bytes=chunk_bytes)
    shutil.rmtree(site / "search-index")
    shutil.copytree(output / "search-index", site / "search-index")
    carry_entry(site)
    queries = unique_queries(stories, per_kind)
    with nginx_serving(site) as url:  # as deployed: keep-alive, deploy/nginx.conf's headers
        results = searched(browser, url, queries, throttle)
    beside = pagefind_searches(stories, queries, work / "pagefind", browser, throttle) if pagefind else None
    return {"count": count, "cold": cold, "add": add, "edit": edit, "results": results,
            "index_files": len(index_files), "index_bytes": index_bytes,
            "distinct_words": distinct_words(stories), "pagefind": beside}


def distinct_words(stories: list[Document]) -> int:
    words, _ = vocabulary()
    known = set(words)
    return len({word for story in stories for word in known_words(story.text, known)})


def report(size: dict) -> None:
    print(f"\n### {size['count']:,} stories (about {size['distinct_words']:,} distinct words of the list; "
          f"index {size['index_files']:,} files, {size['index_bytes'] / 1e6:.1f} MB)\n")
    report_searches(size["results"])
    print("\n| building the index | processor s | wall s | peak RSS (MiB, stories included) "
          "| files written |")
    print("| --- | --- | --- | --- | --- |")
    for label, key in (("cold", "cold"), ("one story added", "add"), ("one story edited", "edit")):
        cpu, wall, peak, written = size[key]
        print(f"| {label} | {cpu:.2f} | {wall:.2f} | {peak:.0f} | {written} |")
    beside = size["pagefind"]
    if beside:
        print(f"\n#### Pagefind extended, the same stories and queries (index {beside['index_files']:,} "
              f"files, {beside['index_bytes'] / 1e6:.1f} MB)\n")
        report_searches(beside["results"])
        cpu, wall, peak, files = beside["cold"]
        print("\n| building the index | processor s | wall s | peak RSS (MiB) | files written |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| cold | {cpu:.2f} | {wall:.2f} | {peak:.0f} | {files} |")


def report_searches(results: list[dict]) -> None:
    print("| queries occurring in exactly one story | first | in the first 10 |")
    print("| --- | --- | --- |")
    for kind in KINDS:
        of_kind = [result for result in results if result["kind"] == kind]
        if of_kind:
            print(f"| {kind} | {sum(r['first'] for r in of_kind)}/{len(of_kind)} | "
                  f"{sum(r['top10'] for r in of_kind)}/{len(of_kind)} |")
    first, top10 = sum(r["first"] for r in results), sum(r["top10"] for r in results)
    print(f"| all | {first}/{len(results)} | {top10}/{len(results)} |")
    kilobytes = [result["bytes"] / 1000 for result in results]
    requests = [result["requests"] for result in results]
    print("\n| per search (page, styles, scripts, index files) | median | max |")
    print("| --- | --- | --- |")
    print(f"| requests | {statistics.median(requests):.0f} | {max(requests)} |")
    print(f"| kilobytes | {statistics.median(kilobytes):.0f} | {max(kilobytes):.0f} |")
    timed = [result["throttled"] for result in results if result["throttled"] == result["throttled"]]
    if timed:
        print(f"| seconds to first results, 150 ms RTT, 1.6 Mbps | {statistics.median(timed):.2f} "
              f"| {max(timed):.2f} |")
        slowest = sorted(
            (r for r in results if r["throttled"] == r["throttled"]), key=lambda r: -r["throttled"]
        )
        print("\nslowest: " + "; ".join(
            f"{r['kind']} {r['query']} {r['throttled']:.2f} s, {r['requests']} requests, "
            f"{r['bytes'] / 1000:.0f} KB" for r in slowest[:3]
        ))
    missed = [f"{r['kind']} {r['query']}" for r in results if not r["first"]]
    if missed:
        print(f"\nnot first: {', '.join(missed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--no-throttle", action="store_true")
    parser.add_argument("--chunk-bytes", type=int, default=DEFAULTS["SEARCH_CHUNK_BYTES"],
                        help="postings per chunk before compression (SEARCH_CHUNK_BYTES)")
    parser.add_argument("--pagefind", action="store_true", help="Pagefind extended side by side")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="search-bench-") as folder:
        work = Path(folder)
        build = build_site(work / "site")
        if build.returncode != 0:
            raise SystemExit(build.log)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for count in (int(size) for size in options.sizes.split(",")):
                throttle = not options.no_throttle
                report(run_size(count, options.per_kind, work / "site", work, browser, throttle,
                                options.chunk_bytes, options.pagefind))
                sys.stdout.flush()
            browser.close()


if __name__ == "__main__":
    main()
