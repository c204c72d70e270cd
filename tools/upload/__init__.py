"""`make upload`: the published site (PUBLISH_DIR, default public/) to UPLOAD_TO, changed files only.

Plain functions; `python -m upload` (tools/upload/__main__.py) is the command line the Makefile runs.
"""

from collections.abc import Callable
from pathlib import Path

from .files import Summary, UploadError, site_files
from .rsync import rsync_upload
from .s3 import s3_upload

__all__ = ["Summary", "UploadError", "upload"]


def upload(
    publish_dir: Path,
    target: str,
    dry_run: bool = False,
    report: Callable[[str], None] = print,
    on_uploaded: Callable[[str], None] = lambda relative: None,
) -> Summary:
    """Upload every file of `publish_dir` whose bytes differ at `target`: new and changed assets
    first, then pages, then feeds; files the site no longer has are deleted last. `on_uploaded` is
    called with each file's path once it is in place."""
    if not target:
        raise UploadError(
            "set UPLOAD_TO: a folder or [user@]host:/path (rsync over SSH), or s3://bucket/folder "
            "(with S3_ENDPOINT_URL), e.g. make upload UPLOAD_TO=deploy@www.example.gov.cn:/srv/site"
        )
    if not (publish_dir / "index.html").is_file():
        raise UploadError(f"{publish_dir}/ holds no published site: run make publish first")
    files = site_files(publish_dir)
    if target.startswith("s3://"):
        return s3_upload(files, target, dry_run, report, on_uploaded)
    if "://" in target:
        raise UploadError(f"UPLOAD_TO={target}: only s3://, [user@]host:/path and folders are understood")
    return rsync_upload(files, publish_dir, target, dry_run, report, on_uploaded)
