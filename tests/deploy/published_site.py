"""The two published versions the deploy tests upload and serve (fixture `published` in conftest.py)."""

from pathlib import Path

PUBLIC_SITEURL = "https://shzz.example.gov.cn"
# The story changed between the two published versions (its body gets one more sentence).
CHANGED_STORY = "stories/2020-02-22-xuzhou-charity-foundation.md"
CHANGED_PAGE = "stories/2020/xuzhou-charity-foundation-transparency/index.html"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (dot files aside): relative path -> bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }
