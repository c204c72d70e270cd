"""The repository's files as a fresh checkout has them: tracked, plus new files git does not ignore.
The benchmarks' scratch sites and the tests' copies of the repository are made from this list."""

import shutil
import subprocess
from pathlib import Path


def checkout_files(root: Path) -> list[str]:
    """Paths relative to `root`, the repository's top folder."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (root / name).is_file()]


def copy_checkout(root: Path, folder: Path) -> Path:
    """A copy of the checkout at `root` in `folder`, sharing its .venv (so nothing is installed)."""
    for name in checkout_files(root):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, folder / name)
    (folder / ".venv").symlink_to((root / ".venv").resolve())
    return folder
