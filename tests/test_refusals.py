"""Where the tools refuse, they say why, where and what to do, in Chinese first, and never with a Python
traceback; a traceback is left only for a real bug, with a line saying how to report it. Each refusal
is the real command, as an editor runs it, in a copy of the repository."""

import logging
import os
import subprocess
import sys

import pytest
from buildlog.refusals import BUG, PlainRefusals
from debian_packages import needs_validator
from sitebuild import REPO, repository_copy
from taxonomy.validation import VocabularyError

STORY = "content/stories/2020-02-18-nanjing-logistics.md"
UNTITLED = "content/stories/untitled.md"
SEVERE = "扫黑险恶"  # a 严重 entry of content/proofreading.tsv
FIRST_PARAGRAPH = "疫情防控期间，医疗急需用品"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return repository_copy(tmp_path_factory.mktemp("refusals"))


def make(repo, *arguments: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", *arguments], cwd=repo, capture_output=True, text=True, timeout=600,
        env={**os.environ, "COLUMNS": "300", **env},
    )  # fmt: skip


def refused(run: subprocess.CompletedProcess, *said: str) -> str:
    """The output of a refusal: a failure, no traceback, each of `said` in it; the first line Chinese."""
    out = run.stdout + run.stderr
    assert run.returncode != 0, out
    assert "Traceback" not in out, out
    for text in said:
        assert text in out, (text, out)
    return out


@pytest.fixture
def severe_hit(repo):
    story = repo / STORY
    original = story.read_text(encoding="utf-8")
    assert FIRST_PARAGRAPH in original
    story.write_text(original.replace(FIRST_PARAGRAPH, SEVERE + FIRST_PARAGRAPH, 1), encoding="utf-8")
    yield
    story.write_text(original, encoding="utf-8")


@pytest.fixture
def untitled_story(repo):
    (repo / UNTITLED).write_text("Date: 2020-04-26 09:00\nCategory: 工作动态\nSlug: untitled\n\n正文。\n")
    yield
    (repo / UNTITLED).unlink()


@needs_validator()
def test_a_severe_hit_stops_make_publish_with_the_hit_and_no_traceback(repo, severe_hit):
    out = refused(
        make(repo, "publish"),
        "错敏字检查：stories/2020-02-18-nanjing-logistics.md 第 14 行",
        f"中有“{SEVERE}”（严重）；建议：“扫黑除恶”",
        "生成已停止",
        "发布已停止：生成时出错",
        "什么都没有发布，public/ 保持原样",
    )
    assert "RuntimeError" not in out and not (repo / "public").exists()


@needs_validator()
def test_a_story_pelican_would_skip_stops_make_publish_saying_which_field(repo, untitled_story):
    refused(
        make(repo, "publish"),
        "稿件 content/stories/untitled.md 缺少“标题”一项，这篇没有生成",
        "Title: 稿件标题",
        "发布已停止",
    )


def test_make_html_names_the_story_it_skips_and_what_to_add(repo, untitled_story):
    built = make(repo, "html")
    assert built.returncode == 0, built.stderr
    out = built.stdout + built.stderr
    assert "Traceback" not in out
    assert "稿件 content/stories/untitled.md 缺少“标题”一项" in out


def test_a_value_outside_the_vocabulary_stops_make_html_naming_file_and_allowed_values(repo):
    story = repo / STORY
    original = story.read_text(encoding="utf-8")
    story.write_text(original.replace("Region: 南京市", "Region: 北京市", 1), encoding="utf-8")
    try:
        refused(
            make(repo, "html"),
            "生成已停止：稿件元数据超出规定取值范围",
            "stories/2020-02-18-nanjing-logistics.md: region 的值“北京市”不在规定范围内",
            "请按上面的说明改正",
        )
    finally:
        story.write_text(original, encoding="utf-8")


@needs_validator()
def test_a_failed_check_says_in_chinese_what_to_do(repo, site, tmp_path):
    broken = tmp_path / "output"
    subprocess.run(["cp", "-a", str(site.output), str(broken)], check=True)
    page = broken / "about/index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("<main", '<a href="../nowhere/">x</a><main', 1), encoding="utf-8")
    out = refused(make(repo, "check", f"DIR={broken}"), "检查未通过", "指向不存在文件的链接", "改正地址")
    assert out.lstrip().startswith("检查未通过")


@pytest.mark.parametrize(
    ("arguments", "env", "said"),
    [
        (["fetch"], {}, "错误：没有设置 IMAP_HOST"),
        (["fetch", "IMAP_HOST=127.0.0.1", "IMAP_USER=a@163.com", "MAILBOX_EXPORT=mail"], {}, "没有邮箱密码"),
        (["import", "MAILBOX_EXPORT=no-such-folder"], {}, "错误：找不到邮箱导出文件夹 no-such-folder"),
        (["review", "MAILBOX_EXPORT=no-such-folder"], {}, "错误：找不到邮箱导出文件夹 no-such-folder"),
        (["new"], {}, "错误：请给出标题"),
        pytest.param(["publish", "SITEURL=example.gov.cn"], {}, "不是正式地址", marks=needs_validator()),
        (["rollback"], {}, "错误：没有上一次发布的版本"),
        (["upload"], {"UPLOAD_TO": ""}, "错误：没有设置 UPLOAD_TO"),
        (["upload", "UPLOAD_TO=somewhere"], {}, "错误：public/ 里还没有发布好的网站，请先运行 make publish"),
        (["check", "DIR=no-such-folder"], {}, "没有这个文件夹，请先生成网站（make html）"),
        (["upload", "UPLOAD_TO=s3://bucket/site", "PUBLISH_DIR=theme/templates"],  # a folder with index.html
         {"S3_ENDPOINT_URL": "not an address"}, "错误：S3_ENDPOINT_URL=not an address 不是有效的地址"),
    ],
)
def test_a_missing_setting_or_step_is_one_chinese_reason(repo, arguments, env, said):
    out = refused(make(repo, *arguments, IMAP_PASSWORD="", **env), said)
    assert out.splitlines()[0].startswith(("错误", "检查未通过", "==> ")), out


@pytest.fixture
def settings_edit(repo):
    """Edits a settings file of the copy (pelicanconf.py unless named), put back afterwards."""
    originals = {}

    def edit(change, name: str = "pelicanconf.py") -> list[str]:
        path = repo / name
        originals.setdefault(path, path.read_text(encoding="utf-8"))
        lines = change(path.read_text(encoding="utf-8").splitlines())
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return lines

    yield edit
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")


def line_of(lines: list[str], start: str) -> int:
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def without_line(start: str):
    return lambda lines: [line for line in lines if not line.startswith(start)]


PELICAN = ("python", "-m", "buildlog", "content", "-s", "pelicanconf.py", "-o", "output")
# Every command that reads pelicanconf.py, as make runs it; make html imports first, so Pelican's own
# reading is run as make html's build step runs it.
READ_SETTINGS = [
    ["import"], ["review"], ["fetch"], ["new", "TITLE=测试稿件"], ["html"], PELICAN,
    pytest.param(["check"], marks=needs_validator()),
    pytest.param(["publish"], marks=needs_validator()),
]  # fmt: skip


def run(repo, command) -> subprocess.CompletedProcess:
    if command[0] != "python":
        return make(repo, *command, IMAP_PASSWORD="")
    return subprocess.run(
        [str(repo / ".venv/bin/python"), *command[1:]], cwd=repo, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": "tools:plugins"},
    )  # fmt: skip


@pytest.mark.parametrize("command", READ_SETTINGS)
def test_a_deleted_setting_a_later_line_uses_names_the_file_and_line_in_chinese(repo, settings_edit, command):
    lines = settings_edit(without_line("PUBLIC_SITEURL ="))
    used = line_of(lines, "SITE_DOMAIN = urlsplit(PUBLIC_SITEURL)")
    out = refused(
        run(repo, command),
        f"错误：设置文件 pelicanconf.py 第 {used} 行：用到了没有定义的名字 PUBLIC_SITEURL",
        "改回上一版本",
        "README 的 Settings 一节",
    )
    assert out.splitlines()[0].startswith(("错误", "==> ")), out
    assert BUG not in out


@pytest.mark.parametrize("command", READ_SETTINGS)
def test_a_settings_syntax_error_names_the_file_and_line_in_chinese(repo, settings_edit, command):
    def open_quote(lines):
        number = line_of(lines, "SITENAME = ")
        lines[number - 1] = lines[number - 1].rstrip('"')
        return lines

    number = line_of(settings_edit(open_quote), "SITENAME = ")
    refused(run(repo, command), f"错误：设置文件 pelicanconf.py 第 {number} 行：写法不对", "改回上一版本")


@pytest.mark.parametrize("command", [["import"], ["review"], ["html"]])
def test_an_import_setting_of_the_wrong_kind_names_its_line(repo, settings_edit, command):
    def as_string(lines):
        setting = "MAILBOX_APPROVED_FOLDERS ="
        return [f'{setting} "已采用"' if line.startswith(setting) else line for line in lines]

    number = line_of(settings_edit(as_string), "MAILBOX_APPROVED_FOLDERS =")
    out = refused(
        run(repo, command),
        f"错误：设置文件 pelicanconf.py 第 {number} 行：MAILBOX_APPROVED_FOLDERS 应写成文件夹名的列表",
        '例如 ["已采用"]',
    )
    assert out.splitlines()[0].startswith("错误"), out


@needs_validator()
def test_a_broken_publishconf_stops_make_publish_naming_its_line(repo, settings_edit):
    lines = settings_edit(lambda lines: [*lines, "RELATIVE_URLS = NO_SUCH_SETTING"], "publishconf.py")
    out = refused(
        make(repo, "publish"),
        f"错误：设置文件 publishconf.py 第 {len(lines)} 行：用到了没有定义的名字 NO_SUCH_SETTING",
        "发布已停止",
        "什么都没有发布",
    )
    assert not (repo / "public").exists(), out


def record(level: int, error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        return logging.LogRecord("pelican", level, __file__, 1, "%s: %s", ("E", error), sys.exc_info())


def test_pelicans_stop_and_a_plugins_refusal_lose_their_traceback_a_real_bug_keeps_it_with_how_to_report():
    refusal = record(logging.CRITICAL, VocabularyError("stories/x.md: region 的值“北京市”不在规定范围内"))
    assert PlainRefusals().filter(refusal) and refusal.exc_info is None
    assert refusal.getMessage().startswith("生成已停止：stories/x.md: region 的值")
    stop = record(logging.CRITICAL, RuntimeError("Warning or error encountered"))
    assert PlainRefusals().filter(stop) and stop.exc_info is None and "生成已停止" in stop.getMessage()
    bug = record(logging.CRITICAL, KeyError("PUBLIC_SITEURL"))
    assert PlainRefusals().filter(bug) and bug.exc_info is not None
    assert bug.getMessage().endswith(BUG) and "KeyError" in logging.Formatter().format(bug)


def test_a_tools_real_bug_prints_its_traceback_then_how_to_report_it():
    crash = subprocess.run(
        [sys.executable, "-c", "from buildlog.refusals import report_bugs; report_bugs(); {}['x']"],
        capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO / "plugins")},
    )  # fmt: skip
    assert crash.returncode == 1
    assert "Traceback" in crash.stderr and "KeyError" in crash.stderr
    assert crash.stderr.strip().splitlines()[-1] == BUG


@pytest.mark.parametrize("tool", sorted(path.parent.name for path in (REPO / "tools").glob("*/__main__.py")))
def test_every_command_line_tool_ends_a_real_bug_with_how_to_report_it(tool):
    main = (REPO / "tools" / tool / "__main__.py").read_text(encoding="utf-8")
    assert 'if __name__ == "__main__":\n    report_bugs()\n' in main
