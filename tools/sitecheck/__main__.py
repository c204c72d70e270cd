"""`make check`: python -m sitecheck [FOLDER] — check a built site; exit 1 on any problem."""

import argparse
import os
import sys
from pathlib import Path

from buildlog.refusals import report_bugs
from buildlog.settings import read_settings_file
from siterules.address import public_siteurl

from .check import check_site
from .report import full_report, summary

DEFAULT_VALIDATOR = ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitecheck", description=__doc__)
    parser.add_argument("folder", nargs="?", default="output", help="the built site (default: output)")
    parser.add_argument("--settings", default="pelicanconf.py", help="its PUBLIC_SITEURL and THEME are read")
    parser.add_argument(
        "--site-url", action="append", default=[], help="another address of this site (SITEURL)"
    )
    parser.add_argument("--validator", default=DEFAULT_VALIDATOR, help="vnu.jar")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--report", help="write every problem to this file, one a line")
    parser.add_argument(
        "--cache",
        default="cache",
        help="where pages found valid and feeds' findings are kept between checks ('' keeps nothing)",
    )
    args = parser.parse_args(argv)

    settings = read_settings_file(args.settings)
    addresses = tuple(url.rstrip("/") for url in [public_siteurl(settings), *args.site_url] if url)
    settings_folder = Path(args.settings).resolve().parent
    templates = settings_folder / settings.get("THEME", "theme") / "templates"
    folder = args.folder.rstrip("/") or "."
    cache = Path(args.cache) if args.cache else None
    result = check_site(Path(folder), addresses, templates, Path(args.validator), args.workers, cache)
    print(summary(f"{folder}/", result.counts, result.problems, result.seconds))
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(full_report(result.problems), encoding="utf-8")
        if result.problems:
            print(f"\n全部问题清单 every problem, one a line: {args.report}")
    return 1 if result.problems else 0


if __name__ == "__main__":
    report_bugs()
    sys.exit(main())
