"""The Debian packages the tests use, how to tell each is there, and `make test`'s step that installs them.

Run by `make test` with the system Python (standard library only) before the suite:
  python3 tests/debian_packages.py install
As root where apt-get exists it installs what is missing (apt-get update first, only then) and fails
if that does not work; elsewhere it prints the one command that installs them and the tests that need
them are skipped, counted in one line at the end of the run (tests/conftest.py). With
REQUIRE_TEST_PACKAGES=1 (.ci/run sets it) a package that cannot be installed fails the run instead.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

SBIN = "/usr/sbin:/usr/local/sbin"


def _command(name: str) -> bool:
    return bool(shutil.which(name) or shutil.which(name, path=SBIN))


def _file(path: str) -> bool:
    return Path(path).exists()


# package: (is it installed?, what needs it). Nothing else the tests use comes from apt.
PACKAGES = {
    "chromium": (lambda: _command("chromium"), "浏览器测试 the browser tests (Playwright)"),
    "fonts-noto-cjk": (
        lambda: _file("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        "浏览器测试里的中文字形 Chinese glyphs in the browser tests",
    ),
    "default-jre-headless": (lambda: _command("java"), "HTML 校验 the W3C validator of make check"),
    "npm": (lambda: _command("npm"), "安装 HTML 校验器 installing the pinned validator once"),
    "rsync": (lambda: _command("rsync"), "make upload 的测试 the rsync upload tests"),
    "nginx": (lambda: _command("nginx"), "deploy/nginx.conf 的测试 the nginx tests"),
    "wrk": (lambda: _command("wrk"), "make bench-serve"),
    "dovecot-imapd": (lambda: _command("dovecot"), "make fetch 的测试 the IMAP fetch tests"),
}


def missing() -> list[str]:
    """The packages of PACKAGES that are not installed, in PACKAGES' order."""
    return [package for package, (installed, _needs) in PACKAGES.items() if not installed()]


def install_command(packages: list[str]) -> str:
    """The one command that installs `packages` (sudo unless already root)."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install --no-install-recommends {' '.join(packages)}"


def skip_reason(*packages: str) -> str:
    """A skip reason naming the packages, so the run's last line can name them all."""
    named = " ".join(packages)
    return f"未安装 not installed: {named} (apt-get install {named}; make test as root does)"


def needs(*packages: str):
    """Skip the test (or module, as pytestmark) unless `packages` are installed."""
    import pytest

    absent = [package for package in packages if not PACKAGES[package][0]()]
    return pytest.mark.skipif(bool(absent), reason=skip_reason(*absent or packages))


# The W3C validator of make check and make publish: its pinned jar, installed once by make with npm.
VALIDATOR = Path(__file__).resolve().parents[1] / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"


def needs_validator():
    """Skip unless the validator can run: Debian's Java, and npm unless make has installed the jar."""
    return needs("default-jre-headless", *([] if VALIDATOR.is_file() else ["npm"]))


def install() -> int:
    """Install the missing packages as root with apt-get; otherwise say how. 0 unless installing failed."""
    absent = missing()
    if not absent:
        print("==> 测试所需的 Debian 软件包都已安装 (the Debian packages the tests use are installed)")
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        if os.environ.get("REQUIRE_TEST_PACKAGES") == "1":
            print(f"错误：未安装 {' '.join(absent)}，且无法安装 (not installed, and not root with apt-get); "
                  f"请运行 run: {install_command(absent)}", file=sys.stderr)  # fmt: skip
            return 1
        print(f"==> 注意：未安装 {' '.join(absent)}，用到它们的测试将被跳过 (not installed; skipped):")
        for package in absent:
            print(f"    {package}: {PACKAGES[package][1]}")
        print(f"    安装它们 (to install them): {install_command(absent)}")
        return 0
    print(f"==> 安装测试所需的 Debian 软件包 (installing): {' '.join(absent)}")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *absent]):
        if subprocess.run(command, env=environment).returncode != 0:
            print(f"错误：{' '.join(command)} 失败，测试没有运行。(failed; no test was run)", file=sys.stderr)
            return 1
    still = missing()
    if still:
        print(f"错误：安装后仍缺少 {' '.join(still)}。(still missing after apt-get install)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit(f"usage: {sys.argv[0]} install")
    sys.exit(install())
