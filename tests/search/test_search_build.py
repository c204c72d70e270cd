"""The search index and page in a real Pelican build of the repository's content."""

import gzip
import json
from pathlib import Path

from added_stories import story, story_path
from index_reader import Reader, store_path
from sitebuild import REPO, build_site, content_with

INDEX = "search-index"


def indexed_addresses(folder: Path) -> list[str]:
    """The address of every document the index holds (its store records)."""
    entry = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    addresses = []
    for segment in entry["segments"]:
        for number in range(segment["count"]):
            record = gzip.decompress((folder / store_path(entry, segment, number)).read_bytes())
            addresses.append(json.loads(record)[0])
    return addresses


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: its bytes and modification time."""
    found = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in found}


def test_every_story_and_page_is_indexed_once_and_nothing_else(site):
    addresses = indexed_addresses(site.output / INDEX)
    stories = {html.parent.relative_to(site.output).as_posix() + "/"
               for html in (site.output / "stories").rglob("index.html")}
    assert sorted(addresses) == sorted([*stories, "about/", "submit/", "subscribe/"])
    assert not [address for address in addresses if address.startswith(("wechat/", "category/"))]


def test_a_story_added_to_a_built_site_touches_a_few_index_files_and_is_found(tmp_path):
    content = content_with(tmp_path, {})
    output, cache = tmp_path / "output", tmp_path / "cache"
    assert build_site(output, content, extra_settings={"CACHE_PATH": str(cache)}).returncode == 0
    before = files(output / INDEX)
    added = ("added-in-2021", "2021-06-01 09:00")
    text = story(*added, "慈善组织公开捐赠明细，鸭嘴兽基金。")
    (content / "stories" / "added.md").write_text(text, encoding="utf-8")
    rebuild = build_site(output, content, extra_settings={"CACHE_PATH": str(cache)})
    assert rebuild.returncode == 0, rebuild.log
    after = files(output / INDEX)
    changed = sorted(path for path in after if before.get(path) != after[path])
    large = [path for path in before if path.startswith("b-")]
    assert large and all(after[path] == before[path] for path in large), "the large segment stays"
    assert len(changed) <= 5, changed
    assert Reader(output / INDEX).search("鸭嘴兽") == [story_path(*added)]

    cold = build_site(tmp_path / "cold", content, extra_settings={"CACHE_PATH": str(tmp_path / "cold-cache")})
    assert cold.returncode == 0, cold.log
    for query in ("鸭嘴兽", "志愿服务", "汉风慈善基金会", "慈善 捐赠"):
        assert Reader(output / INDEX).search(query) == Reader(tmp_path / "cold" / INDEX).search(query), query


def test_search_page_has_a_labelled_search_form_and_a_fallback_without_javascript(site):
    page = site.page("search/index.html")
    form = page.find("form", attrs={"role": "search"})
    field = form.find("input", attrs={"name": "q"})
    assert field["type"] == "search"
    assert form.find("label", attrs={"for": field["id"]}).get_text(strip=True) == "搜索稿件"
    assert form.find("button", attrs={"type": "submit"}).get_text(strip=True) == "搜索"
    fallback = {a.get_text(strip=True): a["href"] for a in page.find("noscript").find_all("a")}
    assert fallback == {"栏目": "../category/", "网站地图": "../sitemap/", "按月份归档": "../archives/"}
    scripts = page.find_all("script")
    assert [script["src"] for script in scripts if script.get("src")] == ["../theme/js/elder-mode.js"]


def test_search_page_carries_its_script_and_the_index_entry_before_its_styles(site):
    page = site.page("search/index.html")
    head = page.find("head")
    entry = head.find("script", id="search-entry")
    assert entry["type"] == "application/json"
    written = (site.output / "search-index" / "index.json").read_text(encoding="utf-8")
    assert json.loads(entry.string) == json.loads(written)
    script = head.find("script", attrs={"data-index": True})
    assert (script["data-index"], script["data-site-root"]) == ("../search-index/", "../")
    source = REPO / "theme" / "templates" / "search.js"
    assert script.string.strip() == source.read_text(encoding="utf-8").strip()
    elements = head.find_all(["script", "link"])
    first_style = next(n for n, element in enumerate(elements) if "stylesheet" in element.get("rel", []))
    assert elements.index(entry) < elements.index(script) < first_style


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
    assert not (output / INDEX).exists()
    assert not (output / "search").exists()
    assert "搜索" not in build.page("index.html").find("nav", attrs={"aria-label": "主导航"}).get_text()

