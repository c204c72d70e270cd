"""The W3C Nu Html Checker (vnu.jar, from the npm package vnu-jar pinned in package.json) on Debian's
Java: many pages per Java run, a few runs side by side, no network.

Whether a page is valid HTML depends on its bytes alone, so the digests of pages found valid are
kept (`ValidPages`): the next check validates only pages that changed, which makes a publish after a
small change fast at any size of site.
"""

import hashlib
import json
import math
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .report import Problem

MAX_PAGES_PER_RUN = 2000
MIN_PAGES_PER_RUN = 100  # fewer in a run than this: starting Java costs more than a second run saves
# vnu's own stack is too small for the deepest pages; it never needs more memory than this.
JAVA_OPTIONS = ("-Xss4m", "-Xmx1g")
VNU_OPTIONS = ("--errors-only", "--format", "json", "--stdout", "--exit-zero-always")


def page_digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


class ValidPages:
    """Digests of pages the validator found valid, kept in a file for one version of the validator."""

    def __init__(self, file: Path | None, jar: Path) -> None:
        self.file = file
        stat = jar.stat() if jar.is_file() else None
        self.validator = f"{jar.resolve()} {stat.st_size} {stat.st_mtime_ns}" if stat else ""
        self.digests: set[str] = set()
        if file is not None and file.is_file():
            lines = file.read_text(encoding="utf-8").splitlines()
            if lines and lines[0] == self.validator:
                self.digests = set(lines[1:])

    def save(self, digests: set[str]) -> None:
        if self.file is None or not self.validator:
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.file.write_text("\n".join([self.validator, *sorted(digests)]) + "\n", encoding="utf-8")


class Validation:
    """vnu started on the `pages` (site-relative) not known to be valid, in `jobs` Java runs at most
    at a time; `problems()` waits for them and records the valid pages."""

    def __init__(self, root: Path, pages: list[str], jar: Path, jobs: int, known: ValidPages) -> None:
        self.root = root.resolve()
        self.jar = jar
        self.jobs = max(1, jobs)
        self.known = known
        self.problems_found: list[Problem] = []
        self.digests = {page: page_digest(self.root / page) for page in pages}
        unknown = [page for page in pages if self.digests[page] not in known.digests]
        size = min(MAX_PAGES_PER_RUN, max(MIN_PAGES_PER_RUN, math.ceil(len(unknown) / self.jobs)))
        self._waiting = [unknown[start : start + size] for start in range(0, len(unknown), size)]
        self._running: list[subprocess.Popen[bytes]] = []
        self.validated = len(unknown)
        java = shutil.which("java")
        if self._waiting and java is None:
            install = "apt-get install default-jre-headless"
            self.problems_found.append(Problem("tool", ".", f"Java is not installed: {install}"))
            self._waiting = []
        elif self._waiting and not jar.is_file():
            self.problems_found.append(
                Problem("tool", ".", f"the W3C validator {jar} is missing: run make venv")
            )
            self._waiting = []
        self.java = java or "java"
        self._start_more()

    def _start_more(self) -> None:
        while self._waiting and len(self._running) < self.jobs:
            pages = [str(self.root / page) for page in self._waiting.pop(0)]
            command = [self.java, *JAVA_OPTIONS, "-jar", str(self.jar), *VNU_OPTIONS, *pages]
            self._running.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE))

    def problems(self) -> list[Problem]:
        while self._running:
            process = self._running.pop(0)
            output, errors = process.communicate()
            self._start_more()
            self._read(output, errors, process.returncode)
        if not any(problem.kind == "tool" for problem in self.problems_found):
            invalid = {problem.page for problem in self.problems_found}
            self.known.save({digest for page, digest in self.digests.items() if page not in invalid})
        return self.problems_found

    def _read(self, output: bytes, errors: bytes, returncode: int) -> None:
        try:
            messages = json.loads(output)["messages"]
        except (ValueError, KeyError):
            said = (errors or output).decode("utf-8", "replace").strip().splitlines()
            detail = said[-1] if said else f"exit status {returncode}"
            self.problems_found.append(Problem("tool", ".", f"the W3C validator failed: {detail[:200]}"))
            return
        for message in messages:
            if message.get("type") not in ("error", "non-document-error"):
                continue
            page = self._page(message.get("url", ""))
            line = message.get("lastLine")
            where = f"line {line}: " if line else ""
            self.problems_found.append(Problem("html", page, f"{where}{message.get('message', '')[:200]}"))

    def _page(self, url: str) -> str:
        path = Path(unquote(urlsplit(url).path))
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)
