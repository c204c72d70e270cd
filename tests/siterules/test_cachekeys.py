"""The one cache-key helper: a key changes with each chosen input and with nothing else."""

import subprocess
import sys
from importlib import metadata
from pathlib import Path

from siterules.cachekeys import cache_key, library_versions, stable_repr


def code_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "one.py").write_text("A = 1\n")
    (folder / "two.py").write_text("B = 2\n")
    return sorted(folder.glob("*.py"))


def test_the_key_follows_each_chosen_input(tmp_path):
    code = code_files(tmp_path / "plugin")
    base = cache_key({"FEED_MAX_ITEMS": 20}, code, ["lxml"])
    assert len(base) == 16 and int(base, 16) >= 0
    assert cache_key({"FEED_MAX_ITEMS": 20}, reversed(code), ["lxml"]) == base  # order does not count
    assert cache_key({"FEED_MAX_ITEMS": 21}, code, ["lxml"]) != base
    assert cache_key({"FEED_MAX_ITEMS": 20}, code, ["lxml", "feedgen"]) != base
    assert cache_key({"FEED_MAX_ITEMS": 20}, code[:1], ["lxml"]) != base
    code[1].write_text("B = 3\n")
    assert cache_key({"FEED_MAX_ITEMS": 20}, code, ["lxml"]) != base
    assert len(cache_key({}, length=64)) == 64


def test_files_elsewhere_and_where_the_checkout_is_do_not_count(tmp_path):
    first = cache_key({}, code_files(tmp_path / "a" / "plugin"))
    (tmp_path / "a" / "tool.py").write_text("edited = True\n")  # a tool beside it, not passed in
    assert cache_key({}, code_files(tmp_path / "b" / "plugin")) == first  # another checkout, same code


def test_library_versions_are_the_installed_ones():
    assert library_versions(["lxml"]) == f"lxml=={metadata.version('lxml')}"
    assert library_versions(["no-such-library-here"]) == "no-such-library-here absent"


def test_settings_are_represented_the_same_in_every_process():
    value = {"B": {3, 1, 2}, "A": [object(), str], "C": (None, 1.5, b"x")}
    assert stable_repr(value) == (
        "{A: [<builtins.object>, <class builtins.str>], B: {1, 2, 3}, C: [None, 1.5, b'x']}"
    )
    script = (
        "from siterules.cachekeys import cache_key; print(cache_key({'S': {'x', 'y', 'z'}, 'O': object()}))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": "plugins", "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parents[2],
        ).stdout
        for seed in ("1", "2")
    }
    assert len(keys) == 1
