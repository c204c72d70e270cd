"""`make help` is the editors' index of commands: every target, described in Chinese first, grouped in
the order of a day's work."""

import re
import subprocess

from sitebuild import REPO

CHINESE = re.compile(r"[\u4e00-\u9fff]")
DAY = [
    ("收信、审核、导入", ["fetch", "review", "import", "new"]),
    ("预览", ["html", "serve", "devserver"]),
    ("检查、发布", ["check", "publish", "rollback"]),
    ("上线", ["upload"]),
    ("维护、开发", ["venv", "clean", "lint", "test", "bench", "bench-serve", "screenshots", "help"]),
]


def make_help() -> str:
    return subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True).stdout


def test_every_target_is_listed_by_make_help():
    makefile = (REPO / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())
    described = set(re.findall(r"^  make (\S+)", make_help(), re.M))
    assert {"html", "serve", "devserver", "check", "publish", "rollback", "clean", "test", "help"} <= phony
    assert phony == described


def test_each_target_is_described_in_chinese_first_in_the_order_of_a_days_work():
    groups = make_help().split("\n\n")[1:]
    assert len(groups) == len(DAY)
    for text, (heading, targets) in zip(groups, DAY, strict=True):
        first, *lines = text.strip().splitlines()
        assert first.startswith(heading), first
        listed = [line for line in lines if line.startswith("  make ")]
        assert [line.split()[1] for line in listed] == targets
        for line in listed:
            description = line.split(maxsplit=2)[2]
            assert CHINESE.match(description), f"a Chinese description first: {line}"
    assert make_help() == subprocess.run(["make", "-s"], cwd=REPO, capture_output=True, text=True).stdout
