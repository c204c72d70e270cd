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
    assert {"html", "serve", "devserver", "check", "publish", "rollback", "clean", "test", "help"} <= phony
    assert phony == described

