"""`make publish` and `make rollback` as an editor runs them, in a copy of the repository: a checked
public build swapped in by rename, the one before kept; a failed build or check leaves public/ as it
was; a publish from the copy of the last one equals a cold public build."""

import hashlib
import os
import subprocess
from pathlib import Path

from debian_packages import needs_validator
from output_compare import differences
from PIL import Image
from sitebuild import PELICAN, repository_copy

STORY_SOURCE = "content/stories/2020-02-18-nanjing-logistics.md"
STORY_PAGE = "stories/2020/nanjing-logistics-emergency-capacity/index.html"
EDIT = "发布测试新增的一段。"
IMAGE = "images/publish-test.png"
pytestmark = needs_validator()


def make(repo: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", *arguments],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )


def tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Each published file's digest and inode: the same inode means the file was not even rewritten.
    Dot files (the build's page record) are neither uploaded nor served."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_ino,
        )
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def test_publish_check_swap_and_roll_back(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    public, new, previous = repo / "public", repo / "public.new", repo / "public.previous"
    Image.new("RGB", (8, 8), "red").save(repo / "content" / IMAGE)

    first = make(repo, "publish")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "make check: public.new/: no problems" in first.stdout
    assert not new.exists() and not previous.exists()
    assert (public / IMAGE).is_file()
    home = (public / "index.html").read_text(encoding="utf-8")
    assert 'href="https://shzz.example.gov.cn/' in home, "make publish needs no argument"
    assert list(public.glob("wechat/*/cover-*.jpg")) and not list(public.glob("wechat/*/index.html"))

    # An edited story and a deleted image: only the new build changes; the last one is kept.
    source = repo / STORY_SOURCE
    source.write_text(source.read_text(encoding="utf-8") + f"\n{EDIT}\n", encoding="utf-8")
    (repo / "content" / IMAGE).unlink()
    second = make(repo, "publish")
    assert second.returncode == 0, second.stdout + second.stderr
    assert EDIT in (public / STORY_PAGE).read_text(encoding="utf-8")
    assert EDIT not in (previous / STORY_PAGE).read_text(encoding="utf-8")
    assert not (public / IMAGE).exists() and (previous / IMAGE).is_file()
    # Built from a copy of the last publish, it equals a cold public build.
    cold = tmp_path / "cold"
    cold_build = [str(PELICAN), "content", "-s", "publishconf.py", "-o", str(cold)]
    cold_build += ["-e", f'CACHE_PATH="{tmp_path / "cold-cache"}"']
    subprocess.run(cold_build, cwd=repo, capture_output=True, check=True)
    assert differences(public, cold) == []
    published = tree(public)

    # A story whose link leads nowhere: the check stops the publish; public/ stays as it was.
    broken = repo / "content/stories/publish-broken.md"
    front_matter = "Date: 2020-04-26 09:00\nCategory: 工作动态\nSlug: publish-broken\n\n"
    broken.write_text(f"Title: 坏链接稿件\n{front_matter}[坏链接](../no-such-story/)\n", encoding="utf-8")
    refused = make(repo, "publish")
    assert refused.returncode != 0
    assert "stories/2020/publish-broken/index.html" in refused.stdout and "leads to no file" in refused.stdout
    assert "nothing was published: public/ is as it was" in refused.stderr
    assert tree(public) == published and (new / "stories/2020/publish-broken/index.html").is_file()

    # Any error the build logs stops it too (a story without a title is only skipped by Pelican).
    broken.write_text(f"{front_matter}正文。\n", encoding="utf-8")
    failed = make(repo, "publish")
    assert failed.returncode != 0
    assert "publish-broken.md" in failed.stdout + failed.stderr
    assert "the build stopped at an error" in failed.stderr
    assert tree(public) == published

    # make rollback puts the previous build back in one command, and a second one undoes it.
    rolled = make(repo, "rollback")
    assert rolled.returncode == 0, rolled.stderr
    assert EDIT not in (public / STORY_PAGE).read_text(encoding="utf-8") and (public / IMAGE).is_file()
    assert tree(previous) == published
    assert make(repo, "rollback").returncode == 0
    assert tree(public) == published


def test_a_siteurl_that_is_no_address_publishes_nothing(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    refused = make(repo, "publish", "SITEURL=shzz.example.gov.cn")
    assert refused.returncode != 0
    assert "is not a public address; set PUBLIC_SITEURL in pelicanconf.py" in refused.stderr
    assert "nothing was published" in refused.stderr and not (repo / "public").exists()


def test_a_withdrawn_story_stays_withdrawn_after_a_rollback(tmp_path):
    repo = repository_copy(tmp_path / "repo")
    public = repo / "public"
    assert make(repo, "publish").returncode == 0
    assert (public / STORY_PAGE).is_file()

    (repo / STORY_SOURCE).unlink()
    assert make(repo, "publish").returncode == 0
    assert not (public / STORY_PAGE).exists()
    # Rolled back, the story is live again; the next publish is built from that copy.
    assert make(repo, "rollback").returncode == 0
    assert (public / STORY_PAGE).is_file()
    again = make(repo, "publish")
    assert again.returncode == 0, again.stdout + again.stderr
    assert not (public / STORY_PAGE).exists()
    assert STORY_PAGE.split("/")[2] not in (public / "sitemap.xml").read_text(encoding="utf-8")
