"""`make devserver` (pelican --autoreload) runs many builds in one process: each gets a store of its own."""

import subprocess
import sys
from pathlib import Path

from tests.sitebuild import REPO, content_with

# As `pelican --autoreload` does: one Pelican instance, `run` again after each change.
PROGRAM = """
import sys
from pathlib import Path
from pelican import Pelican
from pelican.settings import read_settings

content, output, story = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
settings = read_settings("pelicanconf.py", override={
    "PATH": str(content), "OUTPUT_PATH": str(output),
    "CACHE_PATH": f"{output}-cache", "PHOTOS_STORE": f"{output}-photos",
})
pelican = Pelican(settings)
pelican.run()
story.write_text(story.read_text(encoding="utf-8") + "\\n\\n第二次生成时补充的一句。\\n", encoding="utf-8")
pelican.run()
"""


def test_a_second_build_in_the_same_process_sizes_its_photos_too(tmp_path: Path) -> None:
    content = content_with(tmp_path, {})
    story = next(
        path for path in sorted((content / "submissions").glob("*.md"))
        if "images/" in path.read_text(encoding="utf-8")
    )
    output = tmp_path / "output"
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(content), str(output), str(story)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    added = "第二次生成时补充的一句"
    pages = [path for path in output.rglob("index.html") if added in path.read_text(encoding="utf-8")]
    # The story's page (and its WeChat preview) made again, its photos sized in the second build.
    assert pages and any('srcset="' in page.read_text(encoding="utf-8") for page in pages)
