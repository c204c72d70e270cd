"""UPLOAD_TO=/local/path or [user@]host:path: rsync, by checksum, in three passes and a deletion pass."""

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from .files import Kind, SiteFile, Summary, UploadError, no_site_there

# Only files whose bytes differ travel (byte-identical rebuilds make that work). Modification times
# are not copied: an unchanged file keeps the time, and so the ETag/Last-Modified, that the server
# gave it when it first arrived, and readers' 304s keep working. Files are readable by the web server.
ITEMIZED = "--out-format=%i %l %n"  # flags, size, name: one line per file
RSYNC = ["rsync", "--checksum", "--perms", "--chmod=D755,F644", ITEMIZED]
# Deletions only: with both options rsync copies nothing. Dot files (.well-known/) are left alone.
DELETE_ONLY = [
    "rsync",
    ITEMIZED,
    "--recursive",
    "--delete",
    "--existing",
    "--ignore-existing",
    "--exclude=.*",
]


def rsync_upload(
    files: list[SiteFile],
    publish_dir: Path,
    target: str,
    dry_run: bool,
    report: Callable[[str], None],
    on_uploaded: Callable[[str], None],
) -> Summary:
    if not shutil.which("rsync"):
        raise UploadError("rsync is not installed: apt-get install rsync (UPLOAD_TO names an rsync target)")
    source = f"{publish_dir}/"
    destination = target if target.endswith("/") else target + "/"
    options = ["--dry-run"] if dry_run else []
    refuse_a_folder_without_a_site(source, destination, target)
    summary = Summary()
    for kind in Kind:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".files") as listing:
            listing.write("".join(f"{file.relative}\n" for file in files if file.kind is kind))
            listing.flush()
            lines = run(RSYNC + options + [f"--files-from={listing.name}", source, destination], target)
        # ">f"/"<f": a file's bytes were sent; ".f": only its permissions were set.
        sent = [(size, name) for flags, size, name in lines if flags[1] == "f" and flags[0] in "<>"]
        if dry_run:
            report(f"{kind.label}: {len(sent)} to send")
        for size, name in sent:
            summary.uploaded += 1
            summary.bytes += size
            if dry_run:
                report(f"  upload {name}")
            else:
                on_uploaded(name)
        if not dry_run:
            report(f"{kind.label}: {len(sent)} sent")
    deleted = deletions(run(DELETE_ONLY + options + [source, destination], target))
    report(f"deletions: {len(deleted)}{' to make' if dry_run else ''}")
    if dry_run:
        for name in deleted:
            report(f"  delete {name}")
    summary.deleted = len(deleted)
    summary.unchanged = len(files) - summary.uploaded
    return summary


def deletions(lines: list[tuple[str, int, str]]) -> list[str]:
    # Folders emptied by the deletions go too, but only files are counted.
    return [name for flags, _size, name in lines if flags == "*deleting" and not name.endswith("/")]


def refuse_a_folder_without_a_site(source: str, destination: str, target: str) -> None:
    """Files are deleted only where a site is: a slip in UPLOAD_TO must not empty another folder."""
    foreign = deletions(run([*DELETE_ONLY, "--dry-run", source, destination], target))
    if (
        foreign
        and subprocess.run(
            ["rsync", "--list-only", destination + "index.html"], capture_output=True
        ).returncode
    ):
        raise UploadError(no_site_there(target, len(foreign)))


def run(command: list[str], target: str) -> list[tuple[str, int, str]]:
    """rsync's itemized lines as (flags, size, name)."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise UploadError(explain(result.stderr, result.returncode, target))
    lines = []
    for line in result.stdout.splitlines():
        flags, size, name = line.split(None, 2)
        lines.append((flags, int(size) if size.isdigit() else 0, name))
    return lines


def explain(stderr: str, returncode: int, target: str) -> str:
    if "Permission denied (" in stderr or "Host key verification failed" in stderr:
        return (
            f"the server refused the SSH login for UPLOAD_TO={target}: check the user, the host and "
            f"the SSH key (try: ssh {target.split(':', 1)[0]})"
        )
    if "Could not resolve hostname" in stderr or "Connection refused" in stderr or "timed out" in stderr:
        return f"cannot reach the server of UPLOAD_TO={target}: check the host name and the network"
    last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
    return f"rsync to UPLOAD_TO={target} failed (exit {returncode}): {last}"
