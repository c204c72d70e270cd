"""`python -m newstory "标题" [--slug x] [--content content]`: prints the new story's path."""

import argparse
import sys
from pathlib import Path

from buildlog.refusals import report_bugs
from buildlog.settings import read_settings_file
from siterules.clock import site_timezone

from . import NewStoryError, new_story


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make new", description="新建一篇稿件（不会覆盖已有文件）")
    parser.add_argument("title", help="稿件标题")
    parser.add_argument("--slug", default=None, help="地址名，默认由标题的拼音生成")
    parser.add_argument("--content", type=Path, default=Path("content"), help="内容文件夹")
    parser.add_argument(
        "--settings", type=Path, default=Path("pelicanconf.py"), help="其中的 TIMEZONE 是稿件日期的时区"
    )
    arguments = parser.parse_args(argv)
    settings = read_settings_file(arguments.settings) if arguments.settings.is_file() else {}
    try:
        path = new_story(
            arguments.title, arguments.content, slug=arguments.slug or None, zone=site_timezone(settings)
        )
    except (NewStoryError, FileExistsError) as error:
        print(f"make new: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    report_bugs()
    sys.exit(main())
