"""`make test` on a machine without the Debian packages the tests use: it says which and how to install
them, the tests that need them are skipped and counted in the run's last line, and CI fails instead."""

import os
import shutil
import subprocess
import sys

from sitebuild import REPO

# Not root, and none of the packages' commands on PATH (nginx and dovecot live in /usr/sbin, so
# they may still be found; chromium, java, rsync and wrk are not).
NOBODY = [shutil.which("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups"]
AS_SOMEONE_ELSE = NOBODY if os.geteuid() == 0 else []
# .ci/run exports REQUIRE_TEST_PACKAGES=1; each test sets it or not itself.
NOTHING_ON_PATH = {
    **{name: value for name, value in os.environ.items() if name != "REQUIRE_TEST_PACKAGES"},
    "PATH": "/nonexistent",
}


def install(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*AS_SOMEONE_ELSE, sys.executable, str(REPO / "tests/debian_packages.py"), "install"],
        env=env, capture_output=True, text=True, cwd="/",
    )  # fmt: skip


def test_without_root_the_missing_packages_and_the_command_are_named_and_the_run_goes_on():
    run = install(NOTHING_ON_PATH)
    assert run.returncode == 0, run.stderr
    assert "未安装 chromium" in run.stdout and "用到它们的测试将被跳过" in run.stdout
    command = run.stdout.split("安装它们 (to install them): ")[1].splitlines()[0]
    assert command.startswith("sudo apt-get install --no-install-recommends chromium")
    assert {"rsync", "default-jre-headless", "wrk"} <= set(command.split())


def test_ci_fails_when_a_package_cannot_be_installed():
    run = install({**NOTHING_ON_PATH, "REQUIRE_TEST_PACKAGES": "1"})
    assert run.returncode == 1
    assert "错误：未安装 chromium" in run.stderr and "apt-get install" in run.stderr


def test_skipped_tests_are_counted_in_the_last_line_with_what_to_install():
    run = subprocess.run(
        [REPO / ".venv/bin/pytest", "tests/deploy/test_upload_rsync.py", "-q", "-p", "no:cacheprovider"],
        env=NOTHING_ON_PATH, capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout
    last = run.stdout.strip().splitlines()[-1]
    assert last.startswith("跳过 12 项测试 (skipped 12): 安装后可运行 to run them: ")
    assert last.endswith("apt-get install --no-install-recommends rsync")


def test_ci_runs_make_test_and_nothing_installs_outside_it():
    ci = (REPO / ".ci/run").read_text()
    assert "exec make test" in ci and "apt-get" not in ci and "set -euo pipefail" in ci
