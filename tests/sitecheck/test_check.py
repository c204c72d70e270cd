"""`make check` on a real build: the site as built passes; each kind of problem put into a copy of it
is found, named with its page, and makes the command fail."""

import json
import shutil
from pathlib import Path

import pytest
from debian_packages import VALIDATOR, needs_validator
from sitecheck.__main__ import main as check
from sitecheck.links import Site

STORY = "stories/2020/nanjing-logistics-emergency-capacity/index.html"


def run_check(folder: Path, tmp_path: Path, capsys) -> tuple[int, str, str]:
    assert VALIDATOR.is_file(), "the W3C validator is installed by make (make venv, make test)"
    report = tmp_path / "problems.txt"
    code = check([str(folder), "--validator", str(VALIDATOR), "--report", str(report),
                  "--cache", str(tmp_path / "cache")])  # fmt: skip
    return code, capsys.readouterr().out, report.read_text(encoding="utf-8")


def insert(path: Path, before: str, markup: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert before in text, (before, path)
    path.write_text(text.replace(before, markup + before, 1), encoding="utf-8")


def add_to_story_text(path: Path, markup: str) -> None:
    opening = '<div class="story__body">'
    text = path.read_text(encoding="utf-8")
    assert opening in text, path
    path.write_text(text.replace(opening, opening + markup, 1), encoding="utf-8")


@needs_validator()
def test_the_built_site_passes_and_every_kind_of_problem_is_found(site, tmp_path, capsys):
    folder = tmp_path / "output"
    shutil.copytree(site.output, folder)
    code, out, _ = run_check(folder, tmp_path, capsys)
    assert code == 0, out
    assert f"make check: {folder}/: no problems (" in out

    story = folder / STORY
    # Inside the story's text a link to another site is fine; everything below is a problem.
    add_to_story_text(story, '<p><a href="https://www.gov.cn/">外站链接</a></p>')
    add_to_story_text(story, '<p><a href="../missing-story/">坏链接</a><a href="#nowhere">坏锚点</a></p>')
    add_to_story_text(story, "<script>alert('body')</script><p onclick=\"x()\">点我</p>")
    add_to_story_text(
        story, '<a href="javascript:alert(1)">链接</a><iframe src="https://evil.example/"></iframe>'
    )
    insert(folder / "index.html", "</main>", '<img src="https://tracker.example/t.gif" alt="t">')
    insert(
        folder / "about/index.html",
        "</main>",
        '<a href="../stories/2020/notice-2020-1/#no-such-part">通知</a>',
    )
    insert(folder / "submit/index.html", "</main>", "<p><div>块</div></span>")
    atom = folder / "feeds/all.atom.xml"
    atom.write_bytes(atom.read_bytes()[:-200])
    app = json.loads((folder / "feeds/app.json").read_text(encoding="utf-8"))
    del app["version"]
    app["items"][0]["content_html"] += '<img src="https://tracker.example/t.gif">'
    (folder / "feeds/app.json").write_text(json.dumps(app), encoding="utf-8")

    code, out, report = run_check(folder, tmp_path, capsys)
    assert code == 1
    assert "of them validated now (the others unchanged since found valid)" in out
    lines = {tuple(line.split("\t")) for line in report.splitlines()}
    kinds = {(page, kind) for page, kind, _ in lines}
    assert {
        (STORY, "link"), (STORY, "anchor"), (STORY, "active"), ("index.html", "host"),
        ("about/index.html", "anchor"), ("submit/index.html", "html"), ("feeds/all.atom.xml", "feed"),
        ("feeds/app.json", "feed"), ("feeds/app.json", "host"),
    } <= kinds  # fmt: skip
    assert not [line for line in lines if "www.gov.cn" in line[2]], "links in story text may leave the site"
    details = "\n".join(detail for page, _, detail in lines if page == STORY)
    for named in ("missing-story", 'id="nowhere"', "an inline script", "onclick=", "javascript:", "<iframe>"):
        assert named in details, named
    # What was kept between checks (feeds' findings, pages found valid) hides no problem.
    assert run_check(folder, tmp_path, capsys)[2] == report
    # The summary says what to do for each kind, in Chinese first.
    assert out.startswith(f"检查未通过：{folder}/ 有 ")
    assert "指向不存在文件的链接和图片 links and images that lead nowhere (1): 在稿件的 Markdown" in out
    assert "改正地址，再重新生成。fix the address" in out
    assert "the site loads nothing from another host" in out
    assert "pages that are not valid HTML (W3C Nu validator)" in out and "submit/index.html: line" in out


@pytest.mark.parametrize(
    ("url", "kind", "path"),
    [
        ("../b/", "site", "stories/b/"),
        ("https://shzz.example.gov.cn/stories/b/#x", "site", "stories/b/"),
        ("http://shzz.example.gov.cn/feeds/all.atom.xml?x=1", "site", "feeds/all.atom.xml"),
        ("//cdn.example/x.js", "other-host", ""),
        ("https://www.gov.cn/", "other-host", ""),
        (" JavaScript:alert(1)", "active", ""),
        ("mailto:jsmzshzz@163.com", "none", ""),
        ("/search/?q=志愿", "site", "search/"),
    ],
)
def test_where_an_address_leads(url, kind, path):
    target = Site(Path("."), ("https://shzz.example.gov.cn",)).target("stories/a/index.html", url)
    assert (target.kind, target.path) == (kind, path)
