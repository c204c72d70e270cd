"""The search index and page in a real Pelican build of the repository's content."""

import json
from pathlib import Path

from search.shards import Manifest, manifest_path
from shard_stories import story, story_path
from sitebuild import REPO, build_site, content_with

SEARCHABLE = "data-pagefind-body"


def page_counts(bundles: Path) -> dict[str, dict[str, int]]:
    """Shard bundle (as bundles.json lists it) -> pages indexed per language."""
    listed = json.loads((bundles / "bundles.json").read_text(encoding="utf-8"))["bundles"]
    counts = {}
    for bundle in listed:
        entry = json.loads((bundles / bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        counts[bundle] = {language: details["page_count"] for language, details in entry["languages"].items()}
    return counts


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: its bytes and modification time."""
    found = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in found}


def test_every_story_and_page_body_is_indexed_in_chinese_and_nothing_else(site):
    counts = page_counts(site.output / "pagefind")
    marked = [
        html.relative_to(site.output).as_posix()
        for html in site.html_files()
        if SEARCHABLE in html.read_text(encoding="utf-8")
    ]
    stories = [html.relative_to(site.output).as_posix() for html in (site.output / "stories").rglob("*.html")]
    assert set(stories) <= set(marked)
    assert {"about/index.html", "submit/index.html", "subscribe/index.html"} <= set(marked)
    assert not [path for path in marked if path.startswith(("wechat/", "category/", "archives/", "index"))]
    assert counts == {"pages/": {"zh-cn": 3}, "stories-2020/": {"zh-cn": len(stories)}}
    assert sum(count["zh-cn"] for count in counts.values()) == len(marked)


def test_a_cached_rebuild_after_adding_a_story_reindexes_its_shard_only_and_equals_a_cold_build(tmp_path):
    earlier, added = ("story-of-2021", "2021-03-01 09:00"), ("added-in-2021", "2021-06-01 09:00")
    content = content_with(tmp_path, {"earlier.md": story(*earlier, "慈善组织公开年度报告。")})
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build_site(output, content, extra_settings={"CACHE_PATH": str(cache)}).returncode == 0
    assert page_counts(output / "pagefind").keys() == {"pages/", "stories-2020/", "stories-2021/"}
    manifest_file = manifest_path(cache, output)
    before, bundles_before = Manifest.load(manifest_file), files(output / "pagefind")

    (content / "stories" / "added.md").write_text(story(*added, "慈善组织公开捐赠明细。"), encoding="utf-8")
    rebuild = build_site(output, content, extra_settings={"CACHE_PATH": str(cache)})
    assert rebuild.returncode == 0, rebuild.log
    after, bundles_after = Manifest.load(manifest_file), files(output / "pagefind")
    assert before is not None and after is not None
    changed = sorted(name for name in after.shards if after.shards[name] != before.shards.get(name))
    # Besides the story's year, only the other pages' shard: the subscribe page counts the stories.
    assert changed == ["pages", "stories-2021"]
    pages_before, pages_after = before.shards["pages"].pages, after.shards["pages"].pages
    edited = [page for page in pages_after if pages_after[page] != pages_before[page]]
    assert edited == ["subscribe/index.html"]
    new_page = story_path(*added) + "index.html"
    assert new_page in after.shards["stories-2021"].pages
    assert page_counts(output / "pagefind")["stories-2021/"] == {"zh-cn": 2}
    untouched = [path for path in bundles_before if path.startswith("stories-2020/")]
    assert all(bundles_after[path] == bundles_before[path] for path in untouched)

    cold = build_site(tmp_path / "cold", content, extra_settings={"CACHE_PATH": str(tmp_path / "cold-cache")})
    assert cold.returncode == 0, cold.log
    contents = {path: data for path, (data, _) in bundles_after.items()}
    assert contents == {path: data for path, (data, _) in files(tmp_path / "cold" / "pagefind").items()}


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
    assert scripts == ["../theme/js/search.js", "../theme/js/elder-mode.js"]


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
