"""`make publish` and `make rollback`: python -m publish publish|rollback [--live public].

publish: a public build (publishconf.py) into public.new/, started as a copy of public/ and of the
record of the pages it holds, so that only what changed is written and withdrawn pages are removed;
any error the build logs fails it (pelican --fatal errors); static files whose source is gone are
removed; `make check` runs on it; only then it is swapped in as public/ and the published build
before it is kept as public.previous/. Any failure leaves public/ untouched.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from buildlog.refusals import report_bugs
from buildlog.settings import read_settings_file
from sitecheck.__main__ import main as check

from .folders import (
    PublishError,
    PublishFolders,
    keep_page_record,
    remove_stale_static,
    roll_back,
    start_new,
    swap_in,
)

SETTINGS = "publishconf.py"
LOCAL_SETTINGS = "pelicanconf.py"
CHECK_REPORT = "cache/check-problems.txt"
# Where the build keeps its record of the pages in public.new/ (plugins/fastbuild, FASTBUILD_PAGE_RECORD),
# under CACHE_PATH; it moves with each published build as folders.PAGE_RECORD.
PAGE_RECORD_CACHE = "published-pages.pickle"


def _static_sources(settings: dict) -> dict[str, Path]:
    """Output folder -> the source folder Pelican copies it from (content's STATIC_PATHS, the theme's
    static folder)."""
    content = Path(settings.get("PATH", "content"))
    sources = {path: content / path for path in settings.get("STATIC_PATHS", [])}
    sources[settings.get("THEME_STATIC_DIR", "theme")] = Path(settings["THEME"]) / "static"
    return sources


def publish(folders: PublishFolders, siteurl: str | None) -> int:
    started = time.monotonic()
    untouched = f"nothing was published: {folders.live}/ is as it was"
    kept = f"什么都没有发布，{folders.live}/ 保持原样"
    if siteurl:
        os.environ["SITEURL"] = siteurl  # publishconf.py reads it
    # What publishconf.py keeps from pelicanconf.py: the public address, content and theme folders.
    settings = read_settings_file(LOCAL_SETTINGS)
    print(f"==> Public build for {siteurl or settings['PUBLIC_SITEURL']} into {folders.new}/")
    page_record = Path(settings["CACHE_PATH"]) / PAGE_RECORD_CACHE
    if not start_new(folders, page_record) and folders.live.is_dir():
        print(f"==> {folders.live}/ keeps no record of its pages (published before this version): "
              f"every page is built afresh once")  # fmt: skip
    record_setting = f"FASTBUILD_PAGE_RECORD={json.dumps(str(page_record))}"
    # Pelican through buildlog (plugins/, on PYTHONPATH as make runs this), as make html runs it.
    build = subprocess.run([sys.executable, "-m", "buildlog", settings["PATH"], "-s", SETTINGS,
                            "-o", str(folders.new), "--fatal", "errors", "-e", record_setting])  # fmt: skip
    if build.returncode != 0:
        print(f"发布已停止：生成时出错（见上面的 ERROR），{kept}。改正后再运行 make publish。\n"
              f"publish: the build stopped at an error (above); {untouched}", file=sys.stderr)  # fmt: skip
        return 1
    stale = remove_stale_static(folders.new, _static_sources(settings))
    if stale:
        print(f"==> Removed {len(stale)} static files whose source is gone: {', '.join(stale[:5])}")
    print(f"==> make check {folders.new}/")
    addresses = ["--site-url", siteurl] if siteurl else []
    if check([str(folders.new), "--settings", LOCAL_SETTINGS, *addresses, "--report", CHECK_REPORT]) != 0:
        print(f"\n发布已停止：检查发现问题（见上），{kept}。生成结果在 {folders.new}/ 可以查看；"
              f"按上面每类问题后的说明改正，再运行 make publish。\n"
              f"publish: the check found problems (above); {untouched}. The build is in {folders.new}/ "
              "to look at; fix the problems and run make publish again.", file=sys.stderr)  # fmt: skip
        return 1
    keep_page_record(folders, page_record)
    swap_in(folders)
    print(f"==> Published: {folders.live}/ is the new build, the one before is {folders.previous}/ "
          f"(make rollback puts it back); {time.monotonic() - started:.1f} s")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publish", description=__doc__)
    parser.add_argument("action", choices=("publish", "rollback"))
    parser.add_argument("--live", default="public", help="the published folder (PUBLISH_DIR)")
    parser.add_argument("--site-url", help="the public address for this build (else PUBLIC_SITEURL)")
    args = parser.parse_args(argv)
    folders = PublishFolders(Path(args.live.rstrip("/")))
    try:
        if args.action == "publish":
            return publish(folders, args.site_url)
        roll_back(folders)
    except PublishError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 1
    print(f"==> Rolled back: {folders.live}/ is the build published before; the one it replaced is "
          f"{folders.previous}/ (make rollback again undoes this)")  # fmt: skip
    return 0


if __name__ == "__main__":
    report_bugs()
    sys.exit(main())
