"""`python -m upload [--dry-run] [PUBLISH_DIR]` with UPLOAD_TO in the environment (make upload)."""

import argparse
import os
import signal
import sys
from pathlib import Path

from buildlog.refusals import report_bugs

from . import UploadError, upload


def stop(signal_number: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m upload", description=__doc__)
    parser.add_argument("publish_dir", type=Path, nargs="?", default=Path("public"), help="default: public")
    parser.add_argument("--dry-run", action="store_true", help="list what would change; change nothing")
    args = parser.parse_args(argv)
    # A closed session or `timeout` (SIGTERM) stops the upload like Ctrl-C, with the same message.
    signal.signal(signal.SIGTERM, stop)
    target = os.environ.get("UPLOAD_TO", "").strip()
    if args.dry_run:
        print(f"==> What uploading {args.publish_dir}/ would change at {target} (nothing is sent)")
    else:
        print(f"==> Uploading {args.publish_dir}/ to {target}")
    try:
        summary = upload(args.publish_dir, target, dry_run=args.dry_run)
    except UploadError as error:
        print(f"错误：{error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "上传被中断：已传的文件都是完整的，再运行一次 make upload 传完其余的。"
            "upload interrupted: every file sent so far is whole; run make upload again to send the rest",
            file=sys.stderr,
        )
        return 130
    print(summary.line(target, args.dry_run))
    return 0


if __name__ == "__main__":
    report_bugs()
    sys.exit(main())
