"""How fast deploy/nginx.conf serves the site: a bounded load run with Debian's wrk on loopback.

    .venv/bin/python bench/serve.py [--seconds 5] [--connections 16] [--site public]
    make bench-serve                     (BENCH_SECONDS=10 for longer runs)

Builds the repository's content as `make publish` does (or takes --site, a published folder),
serves it with Debian's nginx and deploy/nginx.conf on 127.0.0.1 (one worker, as on a small
server), and runs wrk for a fixed number of seconds per address: the home page, an article and
the Atom feed, each asked for compressed (Accept-Encoding: gzip) as browsers and feed readers do;
then the home page revalidated by If-None-Match and by If-Modified-Since, as a browser asks once its
five minutes of caching are over. Prints requests per second, throughput, latency, errors and the
share of 304 answers. No targets are asserted; the machine's other load shows in the figures.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The top folder too: tests/sitebuild.py imports bench.checkout, and a script sees only bench/ itself.
sys.path[:0] = [str(ROOT), str(ROOT / "deploy"), str(ROOT / "tests")]

from nginx_local import NGINX, free_port, nginx_serving  # noqa: E402
from sitebuild import build_site  # noqa: E402

# wrk calls response() for every answer; done() adds up each thread's counts and prints one line
# this script parses (wrk's own report is for people).
COUNTING_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do counts[status] = (counts[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(counts) do table.insert(parts, status .. "=" .. count) end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %.3f %.3f %s\\n", summary.requests, summary.duration,
    summary.bytes, e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, table.concat(parts, ",")))
end
"""


def run_wrk(
    url: str, headers: dict[str, str], seconds: int, connections: int, threads: int, script: Path
) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration, size, errors, p50, p99, *statuses = line.split()[1:]
    counts = dict(pair.split("=") for pair in "".join(statuses).split(",") if pair)
    requests = int(requests)
    return {
        "rps": requests / (int(duration) / 1e6),
        "mbps": int(size) / (int(duration) / 1e6) / 1e6,
        "p50": float(p50),
        "p99": float(p99),
        # Connection errors plus answers that are neither 200 nor 304.
        "errors": int(errors) + sum(int(n) for status, n in counts.items() if status not in ("200", "304")),
        "share_304": int(counts.get("304", 0)) / requests if requests else 0.0,
    }


def validators(url: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        return response.headers["ETag"], response.headers["Last-Modified"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5, help="length of each run (default 5)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=1, help="nginx worker processes (default 1)")
    parser.add_argument(
        "--site", type=Path, help="a published folder (default: build the repository's content)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/serve.py: needs Debian's wrk: apt-get install wrk")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        site = args.site
        if site is None:
            site = Path(folder) / "public"
            build = build_site(
                site, settings_file="publishconf.py", env={"SITEURL": f"http://127.0.0.1:{port}"}
            )
            if build.returncode != 0:
                sys.exit(build.log)
        article = sorted(site.glob("stories/*/*/index.html"))[0].parent.relative_to(site).as_posix() + "/"
        script = Path(folder) / "count.lua"
        script.write_text(COUNTING_SCRIPT, encoding="utf-8")
        with nginx_serving(site, port, workers=args.workers) as url:
            etag, modified = validators(url)
            gzip = {"Accept-Encoding": "gzip"}
            runs = [
                ("home page, gzip", url, gzip),
                (f"article {article}, gzip", url + article, gzip),
                ("feed feeds/all.atom.xml, gzip", url + "feeds/all.atom.xml", gzip),
                ("home page, If-None-Match", url, {**gzip, "If-None-Match": etag}),
                ("home page, If-Modified-Since", url, {**gzip, "If-Modified-Since": modified}),
            ]
            print(
                f"nginx {nginx_version()} with deploy/nginx.conf on 127.0.0.1, {args.workers} worker(s); "
                f"wrk: {args.threads} threads, {args.connections} connections, {args.seconds} s per address"
            )
            print(
                f"{'address':<58} {'req/s':>9} {'MB/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
                f"{'304':>7}"
            )
            for label, address, headers in runs:
                figures = run_wrk(address, headers, args.seconds, args.connections, args.threads, script)
                print(
                    f"{label:<58} {figures['rps']:>9.0f} {figures['mbps']:>7.1f} {figures['p50']:>7.2f} "
                    f"{figures['p99']:>7.2f} {figures['errors']:>6} {figures['share_304']:>7.1%}"
                )


def nginx_version() -> str:
    result = subprocess.run([NGINX, "-v"], capture_output=True, text=True)
    return result.stderr.strip().rsplit("/", 1)[-1]


if __name__ == "__main__":
    main()
