"""The search index and page in a real Pelican build of the repository's content."""

import json

from sitebuild import REPO, build_site

SEARCHABLE = "data-pagefind-body"


def test_every_story_and_page_body_is_indexed_in_chinese_and_nothing_else(site):
    entry = json.loads((site.output / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    marked = [
        html.relative_to(site.output).as_posix()
        for html in site.html_files()
        if SEARCHABLE in html.read_text(encoding="utf-8")
    ]
    stories = [html.relative_to(site.output).as_posix() for html in (site.output / "stories").rglob("*.html")]
    assert set(stories) <= set(marked)
    assert {"about/index.html", "submit/index.html", "subscribe/index.html"} <= set(marked)
    assert not [path for path in marked if path.startswith(("wechat/", "category/", "archives/", "index"))]
    assert entry["languages"].keys() == {"zh-cn"}
    assert entry["languages"]["zh-cn"]["page_count"] == len(marked)


def test_search_page_has_a_labelled_search_form_and_a_fallback_without_javascript(site):
    page = site.page("search/index.html")
    form = page.find("form", attrs={"role": "search"})
    field = form.find("input", attrs={"name": "q"})
    assert field["type"] == "search"
    assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True) == "搜索稿件"
    assert form.find("button", attrs={"type": "submit"}).get_text(strip=True) == "搜索"
    fallback = {a.get_text(strip=True): a["href"] for a in page.find("noscript").find_all("a")}
    assert fallback == {"栏目": "../category/", "网站地图": "../sitemap/", "按月份归档": "../archives/"}
    scripts = [script["src"] for script in page.find_all("script")]
    assert scripts == ["../theme/js/search.js"]


def test_main_navigation_links_to_search(site):
    navigation = site.page("index.html").find("nav", attrs={"aria-label": "主导航"})
    assert navigation.find("a", string="搜索")["href"] == "./search/"


def test_search_enabled_false_builds_no_index_page_or_menu_link(tmp_path):
    settings = (REPO / "pelicanconf.py").read_text(encoding="utf-8")
    assert "SEARCH_ENABLED = True" in settings
    settings_file = tmp_path / "pelicanconf.py"
    settings_file.write_text(settings.replace("SEARCH_ENABLED = True", "SEARCH_ENABLED = False"), "utf-8")
    output = tmp_path / "output"
    build = build_site(
        output,
        settings_file=str(settings_file),
        extra_settings={"THEME": str(REPO / "theme"), "PLUGIN_PATHS": [str(REPO / "plugins")]},
    )
    assert build.returncode == 0, build.log
    assert (output / "index.html").is_file()
    assert not (output / "pagefind").exists()
    assert not (output / "search").exists()
    assert "搜索" not in build.page("index.html").find("nav", attrs={"aria-label": "主导航"}).get_text()


def test_a_missing_pagefind_binary_stops_the_build_with_what_to_do(tmp_path):
    build = build_site(tmp_path / "output", env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")})
    assert build.returncode != 0
    assert "the Pagefind binary is missing; run `make venv`" in " ".join(build.log.split())
