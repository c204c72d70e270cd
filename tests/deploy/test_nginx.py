"""deploy/nginx.conf in Debian's nginx on loopback, serving a public build: every promise of the
file checked from real HTTP answers, and every kind of page opened in Debian's Chromium under its CSP."""

import base64
import gzip
import hashlib
import http.client
import re
import ssl
import subprocess
from pathlib import Path

import pytest
from browsing import needs_chromium
from bs4 import BeautifulSoup
from debian_packages import needs
from nginx_local import SERVER_BLOCK, check_config, free_port, nginx_running, nginx_serving
from playwright.sync_api import expect
from published_site import CHANGED_PAGE
from sitebuild import build_site
from upload import upload
from upload.files import cache_control

pytestmark = needs("nginx")

STORY_TERM = "汉风慈善基金会"  # named in one story's body only (tests/search)
STORY_PATH = "stories/2020/xuzhou-charity-foundation-transparency/"
REVALIDATE = "public, max-age=300, must-revalidate"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A public build whose SITEURL is the nginx address, served by deploy/nginx.conf."""
    port = free_port()
    output = tmp_path_factory.mktemp("nginx-site") / "public"
    siteurl = f"http://127.0.0.1:{port}"
    build = build_site(output, settings_file="publishconf.py", env={"SITEURL": siteurl})
    assert build.returncode == 0, build.log
    (output / ".upload-temporary").write_text("an upload's half-written file")
    with nginx_serving(output, port) as url:
        yield url, output


def fetch(url: str, path: str, host: str = "127.0.0.1", **headers: str) -> http.client.HTTPResponse:
    port = int(url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", "/" + path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("", "text/html; charset=utf-8"),
        (STORY_PATH, "text/html; charset=utf-8"),
        ("feeds/all.rss.xml", "application/rss+xml; charset=utf-8"),
        ("feeds/category/jing-yan-zuo-fa.atom.xml", "application/atom+xml; charset=utf-8"),
        ("feeds/app.json", "application/feed+json; charset=utf-8"),
        ("feeds/feeds.opml", "text/x-opml; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("theme/css/main.css", "text/css; charset=utf-8"),
    ],
)
def test_types_and_utf8(served, path, content_type):
    url, output = served
    response = fetch(url, path)
    assert response.status == 200
    assert response.getheader("Content-Type") == content_type
    assert (
        response.body
        == (output / path / "index.html" if path.endswith("/") or not path else output / path).read_bytes()
    )


@pytest.mark.parametrize("path", ["", "feeds/all.atom.xml", "feeds/app.json", "theme/css/main.css"])
def test_compressed_for_browsers_that_ask(served, path):
    url, output = served
    response = fetch(url, path, **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.getheader("Vary")
    assert gzip.decompress(response.body) == (output / (path or "index.html")).read_bytes()
    assert fetch(url, path).getheader("Content-Encoding") is None


def test_the_search_indexs_gzip_files_are_served_as_they_are(served):
    url, output = served
    chunk = next(output.glob("search-index/b-*/p/*.gz")).relative_to(output).as_posix()
    response = fetch(url, chunk, **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Content-Type") == "application/octet-stream"
    assert response.body == (output / chunk).read_bytes()


def test_cache_lifetimes_per_kind_agree_with_the_upload_to_object_storage(served):
    url, output = served
    chunk = next(output.glob("search-index/b-*/p/*.gz")).relative_to(output).as_posix()
    photo = next(output.glob("images/submissions/*")).relative_to(output).as_posix()
    expected = {
        "index.html": REVALIDATE,
        STORY_PATH: REVALIDATE,
        "feeds/all.rss.xml": REVALIDATE,
        "search-index/index.json": REVALIDATE,
        chunk: IMMUTABLE,
        photo: IMMUTABLE,
        "theme/css/main.css": "public, max-age=3600",
        "theme/js/elder-mode.js": "public, max-age=3600",
    }
    for path, lifetime in expected.items():
        assert fetch(url, path).getheader("Cache-Control") == lifetime, path
        assert cache_control(path if not path.endswith("/") else path + "index.html") == lifetime, path


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
@pytest.mark.parametrize("path", ["", STORY_PATH, "feeds/all.rss.xml"])
def test_revalidation_answers_304(served, path, encoding):
    url, _ = served
    first = fetch(url, path, **{"Accept-Encoding": encoding})
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    assert etag and modified
    by_etag = fetch(url, path, **{"Accept-Encoding": encoding, "If-None-Match": etag})
    assert (by_etag.status, by_etag.body) == (304, b"")
    by_date = fetch(url, path, **{"Accept-Encoding": encoding, "If-Modified-Since": modified})
    assert (by_date.status, by_date.body) == (304, b"")
    assert fetch(url, path, **{"If-None-Match": '"something-else"'}).status == 200


@pytest.mark.parametrize(
    "path", ["no-such-page/", "stories/2020/nowhere.html", "feeds/", "stories/", ".upload-temporary"]
)
def test_the_sites_404_page_with_status_404_and_never_a_listing(served, path):
    url, output = served
    response = fetch(url, path)
    assert response.status == 404
    assert response.body == (output / "404.html").read_bytes()


def test_a_folder_without_its_slash_is_redirected_on_the_same_address(served):
    url, _ = served
    response = fetch(url, "search")
    assert (response.status, response.getheader("Location")) == (301, "/search/")


def inline_script_hashes(output: Path) -> set[str]:
    """The CSP source ('sha256-…') of every script the site's pages carry inline (not their data blocks)."""
    hashes = set()
    for page in output.rglob("*.html"):
        for script in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("script"):
            if not script.get("src") and script.get("type", "text/javascript") != "application/json":
                digest = hashlib.sha256((script.string or "").encode("utf-8")).digest()
                hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


@pytest.mark.parametrize("path", ["", "no-such-page/"])
def test_security_headers(served, path):
    url, output = served
    response = fetch(url, path)
    policy = response.getheader("Content-Security-Policy")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    # The search page's script is the one inline script; a change to it changes its hash, which
    # deploy/nginx.conf must then name instead.
    hashes = inline_script_hashes(output)
    assert len(hashes) == 1
    assert set(directives["script-src"].split()) == {"'self'", *hashes}, (
        f"deploy/nginx.conf's script-src should be 'self' {' '.join(sorted(hashes))}"
    )
    assert not re.search(r"https?:|\*|'unsafe-inline'", policy), "no other origin; inline code by hash only"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Server") == "nginx", "no version number"


def test_answers_over_ipv6(served):
    url, output = served
    response = fetch(url, "", host="::1")
    assert response.status == 200 and response.body == (output / "index.html").read_bytes()


PAGE_KINDS = {
    "home": "",
    "listing": "category/jing-yan-zuo-fa/",
    "article": STORY_PATH,
    "page without a feed": "submit/",
    "site map": "sitemap/",
    "404": "no-such-page/",
}


@needs_chromium
@pytest.mark.parametrize("kind", [*PAGE_KINDS, "search"])
def test_every_page_kind_works_under_the_csp_in_chromium(served, browser, kind):
    url, _ = served
    context = browser.new_context()
    context.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    failed_responses = []
    page.on("response", lambda response: response.status >= 400 and failed_responses.append(response.url))
    try:
        if kind == "search":
            response = page.goto(url + f"search/?q={STORY_TERM}")
            # (Playwright's wait_for_function evaluates a string: the CSP forbids that, as it should.)
            expect(page.locator("#search-status")).to_have_text(f"找到 1 篇与“{STORY_TERM}”有关的稿件。")
            assert page.locator("#search-results a").first.get_attribute("href") == "/" + STORY_PATH
        else:
            response = page.goto(url + PAGE_KINDS[kind])
            page.wait_for_load_state("load")
        # The stylesheet applied (a CSP-blocked one would leave the page unstyled).
        assert page.evaluate("document.styleSheets.length") >= 1
        assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
        if kind == "404":
            assert response.status == 404 and failed_responses == [response.url]
            assert page.locator("h1").inner_text() == "页面未找到"
        else:
            assert response.status == 200 and failed_responses == []
        assert page.evaluate("window.violations") == []
        assert problems == [] or (kind == "404" and all("404" in problem for problem in problems)), problems
    finally:
        context.close()


@needs_chromium
def test_a_storys_aligned_table_columns_are_aligned_under_the_csp(served, browser):
    url, output = served
    sides = ["left", "right", "center"]
    cells = "".join(f'<td style="text-align:{side}">{side}</td>' for side in sides)
    (output / "aligned-table.html").write_text(
        '<!doctype html><html lang="zh-CN"><title>表格</title>'
        f'<table><tr>{cells}<td style="color:red">x</td></tr></table>',
        encoding="utf-8",
    )
    context = browser.new_context()
    context.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.violations.push(e.violatedDirective));"
    )
    page = context.new_page()
    try:
        page.goto(url + "aligned-table.html")
        styles = page.evaluate(
            "[...document.querySelectorAll('td')]"
            ".map(td => [getComputedStyle(td).textAlign, getComputedStyle(td).color])"
        )
        assert [align for align, _ in styles[:3]] == sides
        assert styles[3][1] != "rgb(255, 0, 0)", "any other style attribute stays blocked"
        assert page.evaluate("window.violations") == ["style-src-attr"], "the red one only"
    finally:
        context.close()


def https_variant(shipped: str, certificates: Path) -> str:
    """What the comments of deploy/nginx.conf say to do for HTTPS: the four lines instead of the two
    listen lines, HSTS, and the redirect server uncommented; with a certificate made here."""
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=t"]
    subprocess.run(
        [*command, "-keyout", certificates / "privkey.pem", "-out", certificates / "fullchain.pem"],
        check=True,
        capture_output=True,
    )
    server, redirect = shipped.split("# With HTTPS")
    https = re.sub(r"(?m)^    listen (80|\[::\]:80);\n", "", server)
    https = re.sub(
        r"(?m)^    #   (listen .*443 ssl;|ssl_certificate.*;|add_header Strict-Transport.*;)$",
        r"    \1",
        https,
    )
    https = https.replace("/etc/ssl/shzz/", f"{certificates}/")
    return https + re.sub(r"(?m)^# ?", "", redirect.split("\n", 1)[1])


def test_the_file_as_shipped_and_its_https_variant_pass_nginx_t(tmp_path):
    shipped = SERVER_BLOCK.read_text(encoding="utf-8")
    assert check_config(shipped).returncode == 0, check_config(shipped).stderr
    https = https_variant(shipped, tmp_path)
    assert "listen 443 ssl;" in https and "return 301 https://$host$request_uri;" in https
    result = check_config(https)
    assert result.returncode == 0, result.stderr


def test_the_https_variant_serves_over_tls_and_redirects_plain_http(served, tmp_path):
    _, output = served
    https_port, http_port = free_port(), free_port()
    site = https_variant(SERVER_BLOCK.read_text(encoding="utf-8"), tmp_path)
    site = site.replace("root /srv/shzz/public;", f"root {output};")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    site = site.replace("listen [::]:443 ssl;", f"listen [::1]:{https_port} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen [::]:80;", f"listen [::1]:{http_port};")
    with nginx_running(site, https_port):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", https_port, timeout=10, context=ssl._create_unverified_context()
        )
        connection.request("GET", "/" + STORY_PATH)
        response = connection.getresponse()
        assert response.status == 200 and response.read() == (output / STORY_PATH / "index.html").read_bytes()
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
        assert "default-src 'self'" in response.getheader("Content-Security-Policy")
        connection.close()
        plain = fetch(f"http://127.0.0.1:{http_port}/", STORY_PATH)
        assert (plain.status, plain.getheader("Location")) == (301, f"https://127.0.0.1/{STORY_PATH}")


@needs("rsync")
def test_after_an_upload_readers_keep_their_304s_for_what_did_not_change(published, tmp_path):
    """make upload (rsync) into the folder nginx serves: a one-story change gives that story's page a
    new ETag, and every page that did not change keeps its own, so browsers revalidate to a 304."""
    v1, v2 = published
    web_root = tmp_path / "public"
    upload(v1, str(web_root), report=lambda line: None)
    unchanged_page = "about/index.html"
    assert (v1 / unchanged_page).read_bytes() == (v2 / unchanged_page).read_bytes()
    assert (v1 / CHANGED_PAGE).read_bytes() != (v2 / CHANGED_PAGE).read_bytes()
    with nginx_serving(web_root) as url:
        before = {path: fetch(url, path).getheader("ETag") for path in (unchanged_page, CHANGED_PAGE)}
        upload(v2, str(web_root), report=lambda line: None)
        assert fetch(url, unchanged_page, **{"If-None-Match": before[unchanged_page]}).status == 304
        changed = fetch(url, CHANGED_PAGE, **{"If-None-Match": before[CHANGED_PAGE]})
        assert changed.status == 200 and changed.body == (v2 / CHANGED_PAGE).read_bytes()
