"""`python -m mailbox_import import|review`: run from the project folder (make import / make review)."""

import argparse
import os
import signal
import sys
from pathlib import Path

from .config import load_settings
from .pipeline import list_pending, render_pending, run_import

DEFAULT_EXPORT = Path(__file__).parent / "sample_export"
# Ctrl-C, and what a closed session, `timeout` or a service manager sends: the run stops cleanly.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mailbox_import", description=__doc__)
    parser.add_argument(
        "command", choices=["import", "review"], help="import approved mail, or list pending mail"
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
    if not args.export.is_dir():
        print(
            f"error: mailbox export not found: {args.export}. Set MAILBOX_EXPORT to the exported folder.",
            file=sys.stderr,
        )
        return 2
    settings = load_settings(args.settings)
    if args.command == "review":
        print(render_pending(list_pending(settings, args.export)))
        return 0
    try:
        report = run_import(settings, args.export, workers=args.workers, stop_on=STOP_SIGNALS)
    except KeyboardInterrupt:  # Ctrl-C outside the run proper (waiting for another import, say)
        print("导入已取消；再次运行 make import 即可接着导入。", file=sys.stderr)
        return 128 + signal.SIGINT
    print(report.render())
    return 128 + report.stopped_by if report.stopped_by else 0


if __name__ == "__main__":
    sys.exit(main())
