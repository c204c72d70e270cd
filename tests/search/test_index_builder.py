"""The search index builder (plugins/search: documents, terms, segments, site_index) on documents made
here, read back file by file as the search page reads it (tests/index_reader.py)."""

import json
import random
import shutil
import statistics
from pathlib import Path

import numpy as np
import pytest
from index_reader import Reader, gzip_json, read_chunk, search_differences, store_path
from search.documents import Document, html_text, newest_first
from search.site_index import SearchIndexError, index_site, state_path
from search.terms import chunk_of, distinct_sorted, query_terms
from sitebuild import REPO

# Common characters of Chinese news text: random stories share most of their pairs.
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
    "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
    "候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
)


def sentence(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(COMMON) for _ in range(length))


def stories(count: int, seed: int = 1) -> list[Document]:
    rng = random.Random(seed)
    return [
        Document(
            f"stories/2020/s{number}/",
            f"{sentence(rng, 8)}{number}",
            "。".join(sentence(rng, 30) for _ in range(8)),
            f"2020-{1 + number % 12:02d}-{1 + number % 28:02d}T{number % 24:02d}:00:00+08:00",
            "徐州市慈善总会",
            {"category": "先进典型", "org_type": "慈善组织", "region": "徐州市"},
        )
        for number in range(count)
    ]


def story(url: str, title: str, text: str, date: str = "2020-03-01T09:00:00+08:00") -> Document:
    filters = {"category": "工作动态", "org_type": "慈善组织", "region": "南京市"}
    return Document(url, title, text, date, "某会", filters)


def build(folder: Path, documents: list[Document], **options) -> Reader:
    index_site(folder / "output", documents, folder / "cache", **options)
    return Reader(folder / "output" / "search-index")


def files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files(folder)}


def mtimes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in files(folder)}


def test_html_text_keeps_inline_markup_inside_words_and_breaks_at_blocks():
    markup = "<p>由<strong>汉风</strong>慈善&amp;基金会</p><p>发起</p><ul><li>一</li><li>二</li></ul>"
    assert html_text(markup) == "由汉风慈善&基金会\n发起\n一\n二"


def test_any_piece_of_a_story_finds_it_and_a_whole_match_ranks_above_scattered_pairs(tmp_path):
    documents = [
        *stories(40),
        story("stories/2020/name/", "社区抗疫纪实", "志愿者孙洪宪连续三十天在卡口值守，为居民代购药品。"),
        # Every pair of 孙洪宪 but not the name, and newer: a match of pieces only.
        story("stories/2020/pieces/", "另一篇", "孙洪在此，洪宪在彼。", "2020-09-01T09:00:00+08:00"),
    ]
    reader = build(tmp_path, documents)
    assert reader.search("孙洪宪") == ["stories/2020/name/", "stories/2020/pieces/"]
    for piece in ("洪宪连续", "在卡口值守", "代购药", "抗疫纪实", "孙洪宪连续三十天"):
        assert reader.search(piece) == ["stories/2020/name/"], piece
    assert reader.search("孙洪宪 代购") == ["stories/2020/name/"], "every word of several"
    assert reader.search("孙洪宪 蓝鲸") == []


def test_a_match_in_the_title_ranks_above_one_in_the_body_then_newest_first(tmp_path):
    documents = [
        story("stories/2020/body-old/", "其他", "本文介绍应急物资调度。", "2020-02-01T09:00:00+08:00"),
        story("stories/2020/body-new/", "其他", "再谈应急物资调度。", "2020-02-05T09:00:00+08:00"),
        story("stories/2020/title/", "应急物资调度经验", "正文。", "2020-01-01T09:00:00+08:00"),
    ]
    reader = build(tmp_path, documents)
    expected = ["stories/2020/title/", "stories/2020/body-new/", "stories/2020/body-old/"]
    assert reader.search("物资调度") == expected


def test_latin_words_and_numbers_are_found_whole_and_without_regard_to_case_or_width(tmp_path):
    documents = [
        *stories(10),
        story("stories/2020/latin/", "COVID-19 防控", "2020年捐赠12345元，编号ＡＢ７。"),
    ]
    reader = build(tmp_path, documents)
    for query in ("covid-19", "COVID-19", "ＣＯＶＩＤ", "12345", "2020年捐赠", "ab7", "covid 12345"):
        assert reader.search(query) == ["stories/2020/latin/"], query
    assert reader.search("1234") == [], "numbers are whole words"


def test_a_single_character_query_finds_the_stories_holding_it(tmp_path):
    documents = [story("stories/2020/a/", "题", "鳄鱼"), story("stories/2020/b/", "题", "河马")]
    reader = build(tmp_path, documents)
    assert reader.search("鳄") == ["stories/2020/a/"]
    assert reader.search("马") == ["stories/2020/b/"]


def test_a_query_fetches_only_the_chunks_of_its_own_terms(tmp_path):
    documents = stories(300)
    reader = build(tmp_path, documents, chunk_bytes=4000)
    (large,) = [path for path in reader.folder.iterdir() if path.name.startswith("b-")]
    chunks = sorted((large / "p").iterdir())
    assert len(chunks) > 20
    # Chunks of similar size, each holding many terms whole.
    sizes = [len(read_chunk(path.read_bytes())) for path in chunks]
    assert min(sizes) > 0
    query = documents[7].text[40:46]
    assert "stories/2020/s7/" in reader.search(query)
    wanted = set(chunk_of(np.array(query_terms(query), dtype=np.uint64), len(chunks)))
    fetched_chunks = {path for path in reader.fetched if "/p/" in path}
    assert fetched_chunks == {f"{large.name}/p/{chunk}.gz" for chunk in wanted}
    assert len(fetched_chunks) <= 5


def test_the_entry_is_known_before_any_segment_is_written_and_is_the_one_written(tmp_path):
    """The build puts the entry into the search page while the segments are still being written:
    `on_entry` gets it first, cold and after a change, and it is the entry file then written."""
    output, cache = tmp_path / "output", tmp_path / "cache"
    documents = stories(200)
    received: list[tuple[str, list[str]]] = []

    def on_entry(text: str) -> None:
        segments = [segment["path"] for segment in json.loads(text)["segments"]]
        received.append((text, [path for path in segments if (output / "search-index" / path).exists()]))

    for cold, batch in ((True, documents[:150]), (False, documents)):
        received.clear()
        index_site(output, batch, cache, on_entry=on_entry)
        ((text, present),) = received
        assert text == (output / "search-index" / "index.json").read_text(encoding="utf-8")
        # Cold, nothing was there yet; after the change, only the large segment kept from before.
        assert present == ([] if cold else [json.loads(text)["segments"][0]["path"]])


def test_chunks_hold_about_the_chunk_bytes_of_postings_planned_from_the_text_length(tmp_path):
    """The number of chunks is planned from the length of the text before any term is found: for real
    Chinese prose (the repository's stories) a chunk still holds about `chunk_bytes` of postings."""
    documents = []
    for number, path in enumerate(sorted((REPO / "content" / "stories").glob("*.md"))):
        body = path.read_text(encoding="utf-8").split("\n\n", 1)[1]
        documents.append(story(f"stories/{number}/", path.stem, body))
    reader = build(tmp_path, documents, chunk_bytes=1000)
    (large,) = [path for path in reader.folder.iterdir() if path.name.startswith("b-")]
    chunks = [read_chunk(path.read_bytes()) for path in (large / "p").iterdir()]
    assert len(chunks) >= 8
    postings_bytes = [1.2 * sum(len(body) for body, _ in chunk.values()) for chunk in chunks]
    assert 0.6 * 1000 < statistics.median(postings_bytes) < 1.4 * 1000


def test_the_same_documents_give_the_same_files_and_a_rebuild_without_change_writes_nothing(tmp_path):
    documents = stories(60)
    build(tmp_path / "one", documents)
    build(tmp_path / "two", list(reversed(documents)))
    first = tmp_path / "one" / "output" / "search-index"
    assert tree(first) == tree(tmp_path / "two" / "output" / "search-index")
    before = mtimes(first)
    report = index_site(tmp_path / "one" / "output", documents, tmp_path / "one" / "cache")
    assert report.files_written == 0 and not report.rewrote_large
    assert mtimes(first) == before


def test_one_added_edited_or_deleted_story_touches_a_few_files_only_and_is_found(tmp_path):
    documents = stories(400)
    build(tmp_path, documents)
    folder = tmp_path / "output" / "search-index"
    large = {path: data for path, data in tree(folder).items() if path.startswith("b-")}

    def changed(before: dict[str, int]) -> list[str]:
        after = mtimes(folder)
        return [path for path, time in after.items() if before.get(path) != time]

    before = mtimes(folder)
    added = story("stories/2021/added/", "新增稿件", "蓝鲸保护志愿服务项目启动。", "2021-05-01T09:00+08:00")
    report = index_site(tmp_path / "output", [*documents, added], tmp_path / "cache")
    assert not report.rewrote_large and report.recent == 1
    written = changed(before)
    assert len(written) <= 6, written
    assert not [path for path in written if path.startswith("b-")]
    assert Reader(folder).search("蓝鲸保护") == ["stories/2021/added/"]

    old_text = documents[5].text[:6]
    edited = Document(**{**vars(documents[5]), "text": "改写后的正文，提到鸭嘴兽。"})
    documents_now = [*documents[:5], edited, *documents[6:], added]
    before = mtimes(folder)
    report = index_site(tmp_path / "output", documents_now, tmp_path / "cache")
    assert report.gone == 1 and report.recent == 2
    assert len(changed(before)) <= 8
    assert Reader(folder).search("鸭嘴兽") == [documents[5].url]
    assert documents[5].url not in Reader(folder).search(old_text)

    del documents_now[9]
    index_site(tmp_path / "output", documents_now, tmp_path / "cache")
    assert documents[9].url not in Reader(folder).search(documents[9].text[:6])
    assert {path: data for path, data in tree(folder).items() if path.startswith("b-")} == large


def test_the_entry_places_recent_stories_among_the_large_segments_newest_first(tmp_path):
    """The page orders results by the large segment's numbers and the recent stories' places in the
    entry file alone (no table of dates): that order is the index's newest-first order."""
    documents = stories(40)
    build(tmp_path, documents)
    edited = documents[7]
    documents[7] = story(edited.url, edited.title, "改过的正文", edited.date)
    documents += [
        story("stories/2019/oldest/", "最早的一篇", "正文", "2019-01-01T09:00:00+08:00"),
        story("stories/2020/tied/", "同一时刻", "正文", documents[3].date),
        story("stories/2024/newest/", "最新的一篇", "正文", "2024-01-01T09:00:00+08:00"),
    ]
    del documents[12]  # deleted: gone from the large segment
    reader = build(tmp_path, documents)
    entry = reader.decoded("index.json", json.loads)
    assert len(entry["segments"]) == 2 and entry["segments"][1]["count"] == 4
    ranked, first = [], 0
    for number, segment in enumerate(entry["segments"]):
        for local in range(segment["count"]):
            if number == 0 and local in entry["gone"]:
                continue
            rank = 2 * segment["places"][local] if "keys" in segment else 2 * local + 1
            url = reader.decoded(store_path(entry, segment, local), gzip_json)[0]
            ranked.append((rank, first + local, url))
        first += segment["count"]
    assert [url for *_, url in sorted(ranked)] == [document.url for document in newest_first(documents)]


def test_past_the_recent_limit_the_large_segment_is_rewritten_as_a_cold_build_would(tmp_path):
    documents = stories(50)
    index_site(tmp_path / "output", documents, tmp_path / "cache", recent_limit=3)
    more = stories(54, seed=2)[50:]
    more = [Document(**{**vars(document), "url": f"stories/2021/m{n}/"}) for n, document in enumerate(more)]
    for count in range(1, 5):
        report = index_site(tmp_path / "output", documents + more[:count], tmp_path / "cache", recent_limit=3)
        assert report.rewrote_large == (count == 4)
    assert report.recent == 0
    index_site(tmp_path / "cold", documents + more, tmp_path / "cold-cache", recent_limit=3)
    assert tree(tmp_path / "output" / "search-index") == tree(tmp_path / "cold" / "search-index")


def test_an_altered_index_or_a_lost_record_is_written_again(tmp_path):
    documents = stories(30)
    build(tmp_path, documents)
    folder = tmp_path / "output" / "search-index"
    fresh = tree(folder)
    (folder / "index.json").write_text("{}", encoding="utf-8")
    assert index_site(tmp_path / "output", documents, tmp_path / "cache").rewrote_large
    assert tree(folder) == fresh
    state_path(tmp_path / "cache", tmp_path / "output").unlink()
    shutil.rmtree(next(folder.glob("b-*")) / "p")
    (folder / "stray.gz").write_bytes(b"old")
    assert index_site(tmp_path / "output", documents, tmp_path / "cache").rewrote_large
    assert tree(folder) == fresh


def test_two_documents_with_one_address_are_an_error_naming_it(tmp_path):
    twice = [story("stories/2020/a/", "一", "一"), story("stories/2020/a/", "二", "二")]
    with pytest.raises(SearchIndexError, match="stories/2020/a/"):
        index_site(tmp_path / "output", twice, tmp_path / "cache")


def test_indexes_are_compared_by_what_searches_find_not_by_their_bytes(tmp_path):
    documents = stories(40)
    index_site(tmp_path / "cached", documents[:-1], tmp_path / "cache")
    index_site(tmp_path / "cached", documents, tmp_path / "cache")  # the last one in a recent segment
    index_site(tmp_path / "cold", documents, tmp_path / "cold-cache")
    assert tree(tmp_path / "cached" / "search-index") != tree(tmp_path / "cold" / "search-index")
    assert search_differences(tmp_path / "cached", tmp_path / "cold") == []

    edited = [*documents[:-1], Document(**{**vars(documents[-1]), "text": "改写后的正文，提到鸭嘴兽。"})]
    index_site(tmp_path / "other", edited, tmp_path / "other-cache")
    found = search_differences(tmp_path / "other", tmp_path / "cold")
    assert f"record of {documents[-1].url}" in found and any(p.startswith("search ") for p in found)


@pytest.mark.parametrize("size", [0, 1, 2, 3000])
def test_distinct_sorted_gives_what_numpy_unique_gives(size):
    rng = np.random.default_rng(size)
    codes = rng.integers(0, 1 << 42, size=size, dtype=np.uint64)
    codes = np.concatenate([codes, codes[: size // 3]])  # repeats, as a story's pairs have
    assert np.array_equal(distinct_sorted(codes), np.unique(codes))
    assert distinct_sorted(codes).dtype == np.uint64
