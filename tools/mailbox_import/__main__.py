"""`python -m mailbox_import fetch|import|review`, from the project folder (make fetch, import, review)."""

import argparse
import os
import signal
import sys
from pathlib import Path

from buildlog.refusals import report_bugs
from buildlog.settings import read_settings_file

from .config import load_settings
from .fetch import (
    FetchError,
    check_target,
    imap_settings,
    read_password,
    render_server_view,
    run_fetch,
    server_view,
)
from .pipeline import list_pending, preview_import, render_pending, render_preview, run_import

DEFAULT_EXPORT = Path(__file__).parent / "sample_export"
# Ctrl-C, and what a closed session, `timeout` or a service manager sends: the run stops cleanly.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mailbox_import", description=__doc__)
    parser.add_argument(
        "command",
        choices=["fetch", "import", "review"],
        help="fetch approved mail over IMAP, import approved mail, or list pending mail",
    )
    parser.add_argument(
        "--export",
        type=Path,
        default=Path(os.environ.get("MAILBOX_EXPORT") or DEFAULT_EXPORT),
        help="the mailbox export folder (default: $MAILBOX_EXPORT, else the bundled sample export)",
    )
    parser.add_argument("--settings", type=Path, default=Path("pelicanconf.py"), help="Pelican settings file")
    parser.add_argument(
        "--workers", type=int, default=None, help="conversion processes (default: one per core)"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "review" and imap_settings(read_settings_file(args.settings)) is not None:
            return _review(args)  # the server's side even before the first fetch
        if not args.export.is_dir():
            print(
                f"错误：找不到邮箱导出文件夹 {args.export}，请用 MAILBOX_EXPORT=文件夹 指向它"
                f"（或先运行 make fetch）。error: mailbox export not found: {args.export}. "
                "Set MAILBOX_EXPORT to the exported folder.",
                file=sys.stderr,
            )
            return 2
        if args.command == "review":
            return _review(args)
    except FetchError as error:
        print(error, file=sys.stderr)
        return 2
    settings = load_settings(args.settings)
    try:
        report = run_import(settings, args.export, workers=args.workers, stop_on=STOP_SIGNALS)
    except KeyboardInterrupt:  # Ctrl-C outside the run proper (waiting for another import, say)
        print("导入已取消；再次运行 make import 即可接着导入。", file=sys.stderr)
        return 128 + signal.SIGINT
    print(report.render())
    return 128 + report.stopped_by if report.stopped_by else 0


def _fetch(args: argparse.Namespace) -> int:
    values = read_settings_file(args.settings)
    imap = imap_settings(values)
    if imap is None:
        raise FetchError(
            "错误：没有设置 IMAP_HOST，make fetch 不知道去哪个邮件服务器收信；"
            '163 邮箱请在 pelicanconf.py 中设置 IMAP_HOST = "imap.163.com" 和 IMAP_USER（见 README）'
        )
    check_target(args.export, DEFAULT_EXPORT)
    password = read_password(imap, args.settings.resolve().parent)
    settings = load_settings(args.settings)
    report = run_fetch(imap, password, args.export, settings.approved_folders)
    print(report.render())
    if report.stopped_by:
        return 128 + report.stopped_by
    return 1 if report.stopped else 0


def _review(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    if args.export.is_dir():
        print(render_pending(list_pending(settings, args.export)))
        print()
        print(render_preview(preview_import(settings, args.export, workers=args.workers)))
    else:
        print(f"本地还没有收取的邮件（{args.export} 不存在；make fetch 会建立它）")
    imap = imap_settings(read_settings_file(args.settings))
    if imap is not None:
        password = read_password(imap, args.settings.resolve().parent)
        print()
        view = server_view(imap, password, args.export, settings.approved_folders)
        print(render_server_view(imap.host, view))
    return 0


if __name__ == "__main__":
    report_bugs()
    sys.exit(main())
