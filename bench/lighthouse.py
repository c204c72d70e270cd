"""Lighthouse on issue 18's story and the home page, as a phone reader gets them from our web server.

    .venv/bin/python bench/lighthouse.py [--runs 3]

Builds the repository's content plus issue 18's story of six phone photos (4032x3024, about 3 MB each;
bench/stories.py) as `make publish` does, serves it with Debian's nginx and deploy/nginx.conf on
127.0.0.1 (compression and caching as in production), and runs Lighthouse (npm, pinned in
bench/lighthouse/, installed once into .venv/lighthouse; it drives Debian's Chromium) with its mobile
defaults: a 412-px phone, simulated slow 4G and a 4x slower processor. Prints the median over the runs
of the performance and accessibility scores, Largest Contentful Paint, Cumulative Layout Shift, Total
Blocking Time and the bytes the page transfers, with issue 18's targets for the story: performance
>= 0.95, LCP <= 2.5 s, accessibility 1.0. Lighthouse's timings are simulated from a trace taken on this
machine, so its other load shows in them; the bytes do not change.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "deploy"), str(ROOT / "tests")]

from nginx_local import free_port, nginx_serving  # noqa: E402
from sitebuild import build_site  # noqa: E402

from bench.stories import PHONE_STORY_PATH, write_phone_story  # noqa: E402

PINS = ROOT / "bench" / "lighthouse"
INSTALLED = ROOT / ".venv" / "lighthouse"
LIGHTHOUSE = INSTALLED / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# (label, Lighthouse audit, how to show its numericValue)
FIGURES = (
    ("LCP", "largest-contentful-paint", lambda ms: f"{ms / 1000:.2f} s"),
    ("CLS", "cumulative-layout-shift", lambda shift: f"{shift:.3f}"),
    ("TBT", "total-blocking-time", lambda ms: f"{ms:.0f} ms"),
    ("bytes", "total-byte-weight", lambda size: f"{size / 1024:.0f} KB"),
)


def install() -> None:
    """npm ci of the pinned Lighthouse, once (a new pin installs again)."""
    pins = [PINS / "package.json", PINS / "package-lock.json"]
    if LIGHTHOUSE.exists() and all((INSTALLED / pin.name).read_bytes() == pin.read_bytes() for pin in pins):
        return
    if not shutil.which("npm"):
        sys.exit("bench/lighthouse.py: needs npm once to install Lighthouse: apt-get install npm")
    print(
        f"==> Installing Lighthouse (pinned in {PINS.relative_to(ROOT)}/) into {INSTALLED.relative_to(ROOT)}/"
    )
    INSTALLED.mkdir(parents=True, exist_ok=True)
    for pin in pins:
        shutil.copyfile(pin, INSTALLED / pin.name)
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=INSTALLED,
        check=True,
    )


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run with its mobile defaults; its JSON report."""
    flags = (
        "--headless=new --no-sandbox --disable-gpu" if os.geteuid() == 0 else "--headless=new --disable-gpu"
    )
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--only-categories=performance,accessibility", "--output=json",
         f"--output-path={report}", f"--chrome-flags={flags}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, check=True,
    )  # fmt: skip
    return json.loads(report.read_text(encoding="utf-8"))


def medians(reports: list[dict]) -> dict[str, float]:
    figures = {
        category: statistics.median(report["categories"][category]["score"] for report in reports)
        for category in ("performance", "accessibility")
    }
    for label, audit, _ in FIGURES:
        figures[label] = statistics.median(report["audits"][audit]["numericValue"] for report in reports)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (default 3)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit("bench/lighthouse.py: needs Debian's Chromium: apt-get install chromium")
    install()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content", content)
        write_phone_story(content)
        site = Path(folder) / "public"
        build = build_site(
            site, content=content, settings_file="publishconf.py", env={"SITEURL": f"http://127.0.0.1:{port}"}
        )
        if build.returncode != 0:
            sys.exit(build.log)
        pages = (("issue 18's story, six phone photos", PHONE_STORY_PATH), ("home page", ""))
        results = {}
        with nginx_serving(site, port) as url:
            for label, path in pages:
                reports = [
                    lighthouse(url + path, Path(folder) / f"report-{run}.json") for run in range(args.runs)
                ]
                results[label] = medians(reports)
                version = reports[0]["lighthouseVersion"]
    print(
        f"Lighthouse {version}, mobile defaults (simulated slow 4G, 4x slower CPU), median of {args.runs}"
    )
    print(
        f"{'page':<38} {'performance':>11} {'accessibility':>13} " + " ".join(f"{f[0]:>8}" for f in FIGURES)
    )
    for label, figures in results.items():
        shown = " ".join(f"{show(figures[name]):>8}" for name, _, show in FIGURES)
        print(f"{label:<38} {figures['performance']:>11.2f} {figures['accessibility']:>13.2f} {shown}")
    story = results[pages[0][0]]
    met = story["performance"] >= 0.95 and story["LCP"] <= 2500 and story["accessibility"] == 1.0
    print(
        "issue 18's targets for the story (performance >= 0.95, LCP <= 2.5 s, accessibility 1.0): "
        + ("met" if met else "NOT met")
    )


if __name__ == "__main__":
    main()
