"""`make help` is the editors' index of commands: every target must be in it."""

import re
import subprocess

from sitebuild import REPO


def test_every_target_is_listed_by_make_help():
    makefile = (REPO / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())
    listed = subprocess.run(
        ["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    described = set(re.findall(r"make (\S+)", listed))
    assert {"html", "serve", "devserver", "publish", "clean", "test", "help"} <= phony
    assert phony == described


def test_publish_without_siteurl_explains_what_to_do():
    result = subprocess.run(["make", "-s", "publish", "SITEURL="], cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SITEURL=https://" in result.stderr
