"""The repository's files as a fresh checkout has them: tracked, plus new files git does not ignore.
The benchmark's scratch sites and the tests' copies of the repository both start from this list."""

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
