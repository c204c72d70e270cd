"""Every documented command works from a fresh clone: each make target runs as an editor types it (at
the smallest size, or in a form that needs no network), and each bench/ script answers --help. All in a
copy of the checkout that is a git repository of its own, with the shared .venv and nothing on
PYTHONPATH, so a command that only works from the developer's own shell fails here."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sitebuild import REPO, repository_copy

# The make targets the installation steps stand for: treated as done (make -o), so no target reaches
# for pip or npm. They are the Makefile's $(INSTALLED), $(TEST_INSTALLED) and $(VALIDATOR).
INSTALLED = (".venv/.installed", ".venv/.installed-test", ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
# A clean environment: the Makefile alone must say where the code is.
ENVIRONMENT = {
    name: value
    for name, value in os.environ.items()
    if name not in {"PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_ADDOPTS"}
} | {"COLUMNS": "200"}


def phony_targets() -> set[str]:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())


def bench_scripts() -> list[str]:
    """bench/ files run as scripts (the others are the scripts' shared modules)."""
    return sorted(
        path.name
        for path in (REPO / "bench").glob("*.py")
        if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    repo = repository_copy(tmp_path_factory.mktemp("clone"))
    commit = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "clone"]
    for command in (["git", "init", "-q"], ["git", "add", "-A"], commit):
        subprocess.run(command, cwd=repo, check=True, capture_output=True)
    return repo


def make(repo: Path, *arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    offline = [option for target in INSTALLED for option in ("-o", target)]
    return subprocess.run(
        ["make", *offline, *arguments],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
        env={**ENVIRONMENT, **(env or {})},
    )


def succeeded(result: subprocess.CompletedProcess) -> bool:
    return result.returncode == 0 and "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serves(repo: Path, target: str) -> bool:
    """Start a make target that serves until stopped; True once it answers the home page."""
    port = free_port()
    offline = [option for target in INSTALLED for option in ("-o", target)]
    server = subprocess.Popen(
        ["make", *offline, target, f"PORT={port}"],
        cwd=repo,
        env=ENVIRONMENT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
                    return answer.status == 200
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        return False
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize("script", bench_scripts())
def test_every_bench_script_answers_help(clone, script):
    result = subprocess.run(
        [str(clone / ".venv/bin/python"), f"bench/{script}", "--help"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=120,
        env=ENVIRONMENT,
    )
    assert result.returncode == 0 and result.stdout.startswith("usage:"), result.stderr


def test_the_scripts_the_readme_and_makefile_name_are_the_ones_tested():
    documented = set()
    for name in ("README.md", "Makefile"):
        documented |= set(re.findall(r"bench/(\w+\.py)", (REPO / name).read_text(encoding="utf-8")))
    assert documented - {"stories.py", "checkout.py"} <= set(bench_scripts())


def test_every_make_target_runs_in_a_fresh_clone(clone, tmp_path):
    """The editors' day in order, then the developers' targets; each .PHONY target at least once."""
    ran = set()

    def run(target: str, *arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        ran.add(target)
        return make(clone, target, *arguments, env=env)

    assert "make html" in run("help").stdout
    assert succeeded(run("venv"))

    # No mail server offline: one on a closed port must be a clear error, not a crash.
    no_server = run(
        "fetch",
        "IMAP_HOST=127.0.0.1",
        f"IMAP_PORT={free_port()}",
        "IMAP_SECURITY=none",
        "IMAP_USER=editor",
        f"MAILBOX_EXPORT={tmp_path / 'mail'}",
        env={"IMAP_PASSWORD": "secret"},
    )
    assert no_server.returncode == 2 and "Traceback" not in no_server.stderr, no_server.stderr
    assert "127.0.0.1" in no_server.stderr

    for target in ("import", "review", "html"):
        result = run(target)
        assert succeeded(result), f"make {target}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    assert (clone / "output/index.html").is_file()

    assert serves(clone, "serve"), "make serve"
    ran.add("serve")
    assert serves(clone, "devserver"), "make devserver"
    ran.add("devserver")

    for target, arguments in (("check", ()), ("publish", ()), ("publish", ()), ("rollback", ())):
        result = run(target, *arguments)
        assert succeeded(result), f"make {target}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    assert (clone / "public/index.html").is_file() and (clone / "public.previous/index.html").is_file()

    site = tmp_path / "site"
    listed = run("upload", f"UPLOAD_TO={site}", "DRY_RUN=1")
    assert succeeded(listed) and not site.exists(), listed.stderr
    sent = run("upload", f"UPLOAD_TO={site}")
    assert succeeded(sent) and (site / "index.html").is_file(), sent.stderr

    shots = run("screenshots")
    assert succeeded(shots) and "docs/images/home-phone.png" in shots.stdout, shots.stderr[-2000:]

    story = run("new", "TITLE=命令测试稿件")
    assert succeeded(story), story.stderr
    assert (clone / story.stdout.strip().splitlines()[-1]).is_file()

    assert succeeded(run("lint"))
    # The suite's own runner, on one small test file.
    suite = run("test", env={"PYTEST_ADDOPTS": "-q -p no:cacheprovider tests/test_makefile.py"})
    assert succeeded(suite) and " passed" in suite.stdout, suite.stdout[-2000:]

    kept_photos = tmp_path / "bench-photos"
    bench = run("bench", "N=1", "BENCH_RUNS=1", f"BENCH_PHOTO_STORE={kept_photos}")
    assert succeeded(bench) and (clone / "bench/out/scale.md").is_file(), bench.stderr[-2000:]
    assert any((kept_photos / "1").rglob("*.webp")), "the first run keeps the photos it made"
    load = run("bench-serve", "BENCH_SECONDS=1")
    assert succeeded(load) and "req/s" in load.stdout, load.stderr[-2000:]

    cleaned = run("clean")
    assert succeeded(cleaned) and not (clone / "output").exists() and not (clone / "cache").exists()
    assert (clone / "public/index.html").is_file(), "make clean keeps the published site"

    assert ran == phony_targets(), "a new make target needs a line in this test"
