"""`make screenshots`: the pictures of the editors' guide (docs/editor-guide.md), taken from the sample
site so they show the theme and the tools as they are, and are taken again whenever they change.

In a scratch copy of the repository it runs `make import` (its report becomes a terminal picture) and
`make html`, serves output/ on loopback and opens the pages in Debian's Chromium (Playwright) at a
phone's size. The PNGs are reduced to 256 colours so the repository stays small.

    .venv/bin/python docs/screenshots.py [FOLDER]    # default: docs/images
"""

import argparse
import html
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browsing import CHROMIUM, CHROMIUM_ARGS, served  # noqa: E402  (tests/: the tests' browser set-up)

from bench.checkout import copy_checkout  # noqa: E402

PHONE = {"width": 390, "height": 844}
STORY = "stories/2020/nanjing-logistics-emergency-capacity/"
SEARCH_TERM = "志愿者"
# A page of our own (not part of the site) that shows a text as the editor sees it: the import
# report in a terminal, the Weibo message as it will be posted.
SCREENS = "_screens"


@dataclass(frozen=True)
class Shot:
    name: str  # the PNG under docs/images/
    path: str  # the address under the served output/
    viewport: dict[str, int]
    ready: str = ""  # a JavaScript condition to wait for before the picture
    scroll_to: str = ""  # a locator brought into view before the picture
    click: bool = False  # and clicked
    full_page: bool = False  # the whole page, however long, instead of the window


SHOTS = (
    Shot("home-phone.png", "", PHONE),
    Shot("story-phone.png", STORY, PHONE),
    Shot(
        "search-phone.png",
        f"search/?q={SEARCH_TERM}",
        PHONE,
        ready="document.getElementById('search-results').children.length > 0",
        scroll_to="#search-status",
    ),
    Shot("statistics-phone.png", "statistics/", PHONE),
    Shot("wechat-preview.png", f"wechat/{STORY.split('/')[2]}/", PHONE, scroll_to="#copy-button", click=True),
    Shot("weibo-text.png", f"{SCREENS}/weibo.html", {"width": 390, "height": 200}, full_page=True),
    Shot("import-report.png", f"{SCREENS}/import.html", {"width": 760, "height": 200}, full_page=True),
)


def make(repo: Path, target: str) -> str:
    run = subprocess.run(
        ["make", "-s", target], cwd=repo, capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"}
    )
    if run.returncode != 0:
        failed = f"错误：make {target} 在示例网站上失败（make {target} failed）"
        raise SystemExit(f"{failed}：\n{run.stdout}{run.stderr}")
    return run.stdout


def terminal_page(command: str, output: str) -> str:
    """A terminal window showing `command` and what it printed."""
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>'
        "body{margin:0;background:#1e1e1e}"
        "pre{margin:0;padding:14px 16px;color:#e8e8e8;font:14px/1.45 'Noto Sans Mono CJK SC',monospace;"
        "white-space:pre-wrap}"
        "b{color:#8ae234;font-weight:normal}</style>"
        f"<pre><b>$ {html.escape(command)}</b>\n{html.escape(output.rstrip())}</pre></html>"
    )


def weibo_page(output: Path, story: str) -> str:
    """The Weibo message of `story` from feeds/weibo.rss.xml, as the editor copies it, with its pictures."""
    media = "{http://search.yahoo.com/mrss/}content"
    channel = ElementTree.parse(output / "feeds/weibo.rss.xml").getroot().find("channel")
    site = channel.findtext("link").rstrip("/") + "/"
    item = next(item for item in channel.iter("item") if item.findtext("link").endswith(story))
    local = [image.get("url").removeprefix(site) for image in item.iter(media)]
    pictures = "".join(f'<img src="/{html.escape(path)}" alt="">' for path in local)
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>'
        "body{margin:0;padding:16px;background:#f2f2f2;font:16px/1.6 'Noto Sans CJK SC',sans-serif}"
        "section{background:#fff;border-radius:8px;padding:16px}h1{font-size:15px;color:#666;margin:0 0 8px}"
        "p{overflow-wrap:anywhere}img{width:31%;margin:4px 1% 0 0;border-radius:4px}</style>"
        "<section><h1>微博文字（feeds/weibo.rss.xml）</h1>"
        f"<p>{html.escape(item.findtext('description'))}</p>{pictures}</section></html>"
    )


def build_sample_site(folder: Path) -> Path:
    """The sample site, as `make import` and `make html` make it in a fresh checkout; returns output/.
    The sample mailbox is imported afresh, so the report shows what a day's import brings."""
    repo = copy_checkout(REPO, folder / "site")
    for imported in ("content/submissions", "content/images/submissions"):
        shutil.rmtree(repo / imported)
    report = make(repo, "import")
    make(repo, "html")
    output = repo / "output"
    (output / SCREENS).mkdir()
    (output / SCREENS / "import.html").write_text(terminal_page("make import", report), encoding="utf-8")
    (output / SCREENS / "weibo.html").write_text(weibo_page(output, STORY), encoding="utf-8")
    return output


def small_png(picture: bytes, path: Path) -> None:
    """The picture in at most 256 colours, optimized: a screenshot stays sharp at a fraction of the size."""
    with tempfile.SpooledTemporaryFile() as file:
        file.write(picture)
        file.seek(0)
        image = Image.open(file).convert("RGB")
        image.quantize(colors=256).save(path, optimize=True)


def take_screenshots(images: Path) -> list[Path]:
    """Every picture of SHOTS, written to `images`; returns their paths."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM:
        raise SystemExit("错误：没有安装 chromium：sudo apt-get install chromium fonts-noto-cjk")
    images.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        output = build_sample_site(Path(scratch))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with served(output) as url:
            for shot in SHOTS:
                context = browser.new_context(viewport=shot.viewport, locale="zh-CN")
                context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
                page = context.new_page()
                page.goto(url + shot.path, wait_until="networkidle")
                if shot.ready:
                    page.wait_for_function(shot.ready)
                if shot.scroll_to:
                    target = page.locator(shot.scroll_to)
                    target.evaluate("element => element.scrollIntoView()")
                    page.evaluate("window.scrollBy(0, -window.innerHeight / 4)")
                    if shot.click:
                        target.click()
                        page.wait_for_timeout(200)
                path = images / shot.name
                small_png(page.screenshot(full_page=shot.full_page), path)
                written.append(path)
                context.close()
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make screenshots", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "docs/images")
    folder = parser.parse_args(argv).folder
    for path in take_screenshots(folder):
        print(f"==> {os.path.relpath(path)}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
