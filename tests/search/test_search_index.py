"""plugins/search/indexing.py on small hand-made sites, with the real Pagefind binary from PyPI."""

import json
from pathlib import Path

import pytest
from search.indexing import SearchIndexError, index_site, pagefind_glob, searchable_folders

TIMEOUT = 60


def write_page(output: Path, relative: str, body: str) -> None:
    page = output / relative
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        f'<!DOCTYPE html><html lang="zh-CN"><head><title>{body}</title></head>'
        f"<body><h1>{body}</h1><div data-pagefind-body><p>{body}</p></div></body></html>",
        encoding="utf-8",
    )


def test_glob_covers_every_folder_and_escapes_glob_characters():
    assert pagefind_glob(["about", "stories", "a{b,c}"]) == "{about,stories,a\\{b\\,c\\}}/**/*.html"


def test_searchable_folders_leave_out_the_excluded_ones_the_bundle_and_loose_files(tmp_path):
    for folder in ("stories", "wechat", "pagefind", "about"):
        (tmp_path / folder).mkdir()
    (tmp_path / "index.html").write_text("home", encoding="utf-8")
    assert searchable_folders(tmp_path, ["wechat"]) == ["about", "stories"]


def test_index_has_the_stories_in_chinese_and_never_an_excluded_folder(tmp_path):
    write_page(tmp_path, "stories/2020/one/index.html", "南京市物流与供应链协会搭建应急运力平台")
    # Even a preview page marked as searchable stays out: its whole folder is excluded.
    write_page(tmp_path, "wechat/one/index.html", "公众号稿件预览")
    index = index_site(tmp_path, ["wechat"], TIMEOUT)
    assert index.bundle == tmp_path / "pagefind"
    assert index.pages_by_language == {"zh-cn": 1}
    assert (index.bundle / "pagefind.js").is_file()
    entry = json.loads((index.bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["version"] == "1.5.2"


def test_a_rebuild_leaves_no_stale_bundle_files(tmp_path):
    write_page(tmp_path, "stories/2020/one/index.html", "志愿服务")
    stale = tmp_path / "pagefind" / "fragment" / "zh-cn_0000000.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    index_site(tmp_path, [], TIMEOUT)
    assert not stale.exists()
    assert list((tmp_path / "pagefind" / "fragment").iterdir())


def test_a_missing_binary_says_how_to_install_it(tmp_path, monkeypatch):
    write_page(tmp_path, "stories/2020/one/index.html", "志愿服务")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match=r"make venv.*SEARCH_ENABLED = False"):
        index_site(tmp_path, [], TIMEOUT)


def test_a_site_without_pages_is_an_error_naming_the_folder(tmp_path):
    (tmp_path / "stories").mkdir()
    with pytest.raises(SearchIndexError, match=f"could not index {tmp_path}"):
        index_site(tmp_path, [], TIMEOUT)
    with pytest.raises(SearchIndexError, match="no folder of pages"):
        index_site(tmp_path, ["stories"], TIMEOUT)
