"""plugins/search (indexing.py, shards.py) on small hand-made sites, with the real Pagefind binary
from PyPI."""

import json
import os
import shutil
from pathlib import Path

import pytest
from search.indexing import (
    BUNDLE_LIST,
    SearchIndexError,
    index_site,
    pagefind_glob,
    searchable_folders,
)
from search.shards import Manifest, assign_shards, is_searchable, manifest_path, scan_pages, searchable_pages

TIMEOUT = 60


def write_page(output: Path, relative: str, body: str, searchable: bool = True) -> None:
    page = output / relative
    page.parent.mkdir(parents=True, exist_ok=True)
    marker = " data-pagefind-body" if searchable else ""
    page.write_text(
        f'<!DOCTYPE html><html lang="zh-CN"><head><title>{body}</title></head>'
        f"<body><h1>{body}</h1><div{marker}><p>{body}</p></div></body></html>",
        encoding="utf-8",
    )


def tree(folder: Path) -> dict[str, bytes]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def mtimes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*")}


def small_site(output: Path) -> None:
    write_page(output, "stories/2020/one/index.html", "南京市物流与供应链协会搭建应急运力平台")
    write_page(output, "stories/2020/two/index.html", "志愿服务队走进社区")
    write_page(output, "stories/2021/three/index.html", "志愿服务进乡村")
    write_page(output, "about/index.html", "关于本站")
    write_page(output, "category/index.html", "栏目列表", searchable=False)


def index(output: Path, cache: Path, **options):
    return index_site(output, ["wechat"], TIMEOUT, cache, **options)


def test_glob_names_exactly_the_pages_and_escapes_glob_characters():
    assert pagefind_glob(["about/index.html"]) == "about/index.html"
    stories = ["stories/2020/a/index.html", "stories/2020/b{c,d}/index.html"]
    assert pagefind_glob(stories) == "stories/2020/{a,b\\{c\\,d\\}}/index.html"
    assert pagefind_glob(["about/index.html", "submit/index.html"]) == "{about,submit}/index.html"
    # A page in a folder above the others: no shared part left to factor out.
    assert pagefind_glob(["a/index.html", "a/b/index.html"]) == "{a/index.html,a/b/index.html}"


def test_searchable_folders_leave_out_the_excluded_ones_the_bundle_and_loose_files(tmp_path):
    for folder in ("stories", "wechat", "pagefind", "about"):
        (tmp_path / folder).mkdir()
    (tmp_path / "index.html").write_text("home", encoding="utf-8")
    assert searchable_folders(tmp_path, ["wechat"]) == ["about", "stories"]


def test_a_scan_reads_again_only_pages_whose_size_or_time_changed(tmp_path):
    story = tmp_path / "stories" / "2024" / "a" / "index.html"
    listing = tmp_path / "category" / "index.html"
    for path, html in ((story, '<main data-pagefind-body>防控</main>'), (listing, "<main>列表</main>")):
        path.parent.mkdir(parents=True)
        path.write_text(html, encoding="utf-8")
    first = scan_pages(tmp_path, ["stories", "category"], {})
    assert set(first) == {"stories/2024/a/index.html", "category/index.html"}
    assert list(searchable_pages(first)) == ["stories/2024/a/index.html"]

    # New bytes behind the same size and time are not seen: proof that the page was not read.
    stat = story.stat()
    story.write_text('<main data-pagefind-body>复工</main>', encoding="utf-8")
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert scan_pages(tmp_path, ["stories", "category"], first) == first
    # A new time is: the page is read and hashed again.
    os.utime(story, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    again = searchable_pages(scan_pages(tmp_path, ["stories", "category"], first))
    assert again["stories/2024/a/index.html"] != searchable_pages(first)["stories/2024/a/index.html"]


def test_a_page_is_searchable_only_with_a_marked_element():
    assert is_searchable(b'<main><div class="x" data-pagefind-body>text</div></main>')
    assert not is_searchable(b"<p>the theme marks bodies with data-pagefind-body</p>")


def test_stories_are_sharded_by_year_and_other_pages_together():
    pages = ["about/index.html", "stories/2020/a/index.html", "stories/2021/b/index.html"]
    pages.append("submit/index.html")
    assert assign_shards(pages, 500) == {
        "pages": ["about/index.html", "submit/index.html"],
        "stories-2020": ["stories/2020/a/index.html"],
        "stories-2021": ["stories/2021/b/index.html"],
    }


def test_a_large_year_is_split_into_balanced_buckets_that_stay_put_as_it_grows():
    year = [f"stories/2024/story-{n}/index.html" for n in range(1_900)]
    other_year = [f"stories/2023/story-{n}/index.html" for n in range(300)]
    shards = assign_shards(year + other_year, 500)
    assert sorted(shards) == ["stories-2023", *(f"stories-2024-{n}of4" for n in range(4))]
    assert all(400 <= len(shards[f"stories-2024-{n}of4"]) <= 600 for n in range(4))
    grown = assign_shards([*year, *other_year, "stories/2024/story-new/index.html"], 500)
    changed = [name for name in grown if grown[name] != shards.get(name)]
    assert len(changed) == 1 and changed[0].startswith("stories-2024-")
    # Past four times the shard size the year (and only it) is split again, in twice as many buckets.
    doubled = assign_shards([*year, *(f"stories/2024/more-{n}/index.html" for n in range(101))], 500)
    assert len(doubled) == 8


def test_each_shard_is_a_bundle_of_its_pages_in_chinese_and_excluded_folders_stay_out(tmp_path):
    small_site(tmp_path)
    # Even a preview page marked as searchable stays out: its whole folder is excluded.
    write_page(tmp_path, "wechat/one/index.html", "公众号稿件预览")
    result = index(tmp_path, tmp_path / "cache")
    assert result.bundle == tmp_path / "pagefind"
    assert result.shards == ["pages", "stories-2020", "stories-2021"]
    assert result.pages_by_language == {"zh-cn": 4}
    listed = json.loads((result.bundle / BUNDLE_LIST).read_text(encoding="utf-8"))
    assert listed == {"bundles": ["pages/", "stories-2020/", "stories-2021/"]}
    counts = {}
    for name in result.shards:
        entry = json.loads((result.bundle / name / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["version"] == "1.5.2"
        counts[name] = entry["languages"]["zh-cn"]["page_count"]
        assert (result.bundle / name / "pagefind.js").is_file()
        assert not (result.bundle / name / "pagefind-ui.js").exists()
    assert counts == {"pages": 1, "stories-2020": 2, "stories-2021": 1}


def test_a_rebuild_without_change_indexes_and_writes_nothing(tmp_path):
    small_site(tmp_path)
    index(tmp_path, tmp_path / "cache")

    def written():
        # The page scan notes the page's new modification time; the index and manifest stay.
        cache = {name: time for name, time in mtimes(tmp_path / "cache").items()
                 if name != "search" and not name.endswith(".pages.pickle")}
        return mtimes(tmp_path / "pagefind") | cache

    before = written()
    # Pages rewritten with the same bytes (a new modification time) are unchanged.
    write_page(tmp_path, "stories/2020/one/index.html", "南京市物流与供应链协会搭建应急运力平台")
    again = index(tmp_path, tmp_path / "cache")
    assert again.reindexed == []
    assert written() == before


def test_adding_editing_and_deleting_pages_reindexes_their_shards_only_and_equals_a_cold_build(tmp_path):
    cached, cold = tmp_path / "cached", tmp_path / "cold"
    small_site(cached)
    index(cached, tmp_path / "cache")
    write_page(cached, "stories/2020/four/index.html", "新增的稿件")
    assert index(cached, tmp_path / "cache").reindexed == ["stories-2020"]
    write_page(cached, "stories/2021/three/index.html", "改过的稿件")
    (cached / "about" / "index.html").unlink()
    assert sorted(index(cached, tmp_path / "cache").reindexed) == ["stories-2021"]
    assert not (cached / "pagefind" / "pages").exists()
    shutil.rmtree(cached / "stories" / "2021")
    assert index(cached, tmp_path / "cache").reindexed == []
    assert sorted(path.name for path in (cached / "pagefind").iterdir()) == [BUNDLE_LIST, "stories-2020"]

    shutil.copytree(cached, cold, ignore=shutil.ignore_patterns("pagefind"))
    index(cold, tmp_path / "cold-cache")
    assert tree(cached / "pagefind") == tree(cold / "pagefind")


def test_a_missing_or_altered_bundle_is_rebuilt_and_stray_files_are_removed(tmp_path):
    small_site(tmp_path)
    index(tmp_path, tmp_path / "cache")
    fresh = tree(tmp_path / "pagefind")
    shutil.rmtree(tmp_path / "pagefind" / "stories-2021")
    next((tmp_path / "pagefind" / "stories-2020" / "fragment").iterdir()).unlink()
    (tmp_path / "pagefind" / "pages" / "fragment" / "zh-cn_0000000.pf_fragment").write_bytes(b"old")
    (tmp_path / "pagefind" / "pagefind.js").write_bytes(b"from an unsharded build")
    (tmp_path / "pagefind" / "stories-1999").mkdir()
    assert sorted(index(tmp_path, tmp_path / "cache").reindexed) == ["pages", "stories-2020", "stories-2021"]
    assert tree(tmp_path / "pagefind") == fresh


def test_the_manifest_is_kept_per_output_folder_in_the_cache(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    small_site(first)
    small_site(second)
    write_page(second, "stories/2020/one/index.html", "另一个站点的稿件")
    index(first, tmp_path / "cache")
    index(second, tmp_path / "cache")
    assert manifest_path(tmp_path / "cache", first) != manifest_path(tmp_path / "cache", second)
    assert index(first, tmp_path / "cache").reindexed == []
    manifest = Manifest.load(manifest_path(tmp_path / "cache", first))
    assert manifest is not None
    recorded = manifest.shards["stories-2020"].pages
    assert recorded.keys() == {"stories/2020/one/index.html", "stories/2020/two/index.html"}


def test_split_shards_and_one_job_still_index_every_page_once(tmp_path):
    small_site(tmp_path)
    write_page(tmp_path, "stories/2020/five/index.html", "第五篇稿件")
    result = index(tmp_path, tmp_path / "cache", shard_pages=1, jobs=1)
    split = [name for name in result.shards if name.startswith("stories-2020-")]
    assert split and all(name.endswith("of4") for name in split)
    assert "stories-2020" not in result.shards
    assert result.pages_by_language == {"zh-cn": 5}


def test_a_missing_binary_says_how_to_install_it(tmp_path, monkeypatch):
    write_page(tmp_path, "stories/2020/one/index.html", "志愿服务")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match=r"make venv.*SEARCH_ENABLED = False"):
        index(tmp_path, tmp_path / "cache")


def test_a_site_without_searchable_pages_is_an_error_naming_the_folder(tmp_path):
    write_page(tmp_path, "category/index.html", "栏目列表", searchable=False)
    with pytest.raises(SearchIndexError, match=f"no page of {tmp_path} has a data-pagefind-body element"):
        index(tmp_path, tmp_path / "cache")
    with pytest.raises(SearchIndexError, match="no folder of pages"):
        index_site(tmp_path, ["category"], TIMEOUT, tmp_path / "cache")
