"""Each speed-up gives exactly what Pelican's own code gives, on stories built as Pelican builds them."""

import gc
import pickle
import random
import weakref
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pelican.contents
import pelican.urlwrappers
import pelican.utils
import pytest
from fastbuild.speedups import (
    BUILD_GC_THRESHOLDS,
    _digits_plan,
    _period_archives_by_date,
    _tag_pages_one_by_one,
    collect_garbage_rarely,
    dates_formatted_fast,
    process_translations_by_group,
    relative_paths_remembered,
    slugs_remembered,
)
from markupsafe import Markup
from pelican.contents import Article, Content, Static
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Category, Tag
from pelican.utils import SafeDatetime, process_translations, slugify


def _articles(count: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    settings = {**DEFAULT_CONFIG, "DEFAULT_LANG": "zh"}
    articles = []
    for number in range(count):
        metadata = {
            "title": f"稿件{number}",
            "date": datetime(2020 + rng.randrange(3), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            # Some slugs shared: translations (another lang) and duplicates (same lang, a warning).
            "slug": f"story-{rng.randrange(count)}",
            "lang": rng.choice(["zh", "zh", "zh", "en"]),
        }
        if rng.random() < 0.1:
            metadata["translation"] = "true"
        article = Article("<p>正文</p>", metadata=metadata, settings=settings,
                          source_path=f"content/stories/{number}.md")
        articles.append(article)
    return articles


def test_translations_by_group_equal_pelicans(caplog):
    ours_list, theirs_list = _articles(400), _articles(400)
    ours = process_translations_by_group(ours_list, "slug")
    ours_translations = {a.source_path: sorted(t.source_path for t in a.translations) for a in ours_list}
    theirs = process_translations(theirs_list, "slug")
    theirs_translations = {a.source_path: sorted(t.source_path for t in a.translations) for a in theirs_list}
    def paths(sides):
        return [[a.source_path for a in side] for side in sides]

    assert paths(ours) == paths(theirs)
    assert ours_translations == theirs_translations
    assert any(theirs[1]), "the sample has translations"


def test_period_archives_by_date_equal_pelicans():
    articles = _articles(300)
    dates = sorted(articles, key=lambda a: a.date, reverse=True)
    settings = {
        **DEFAULT_CONFIG,
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html",
        "DAY_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/{date:%d}/index.html",
    }
    generator = object.__new__(ArticlesGenerator)
    ours = _period_archives_by_date(generator, dates, articles, settings)
    theirs = ArticlesGenerator._build_period_archives(generator, dates, articles, settings)
    assert set(ours) == {"year", "month", "day"}
    for granularity in ours:
        assert len(ours[granularity]) == len(theirs[granularity]) > 1
        for mine, pelicans in zip(ours[granularity], theirs[granularity], strict=True):
            assert mine.keys() == pelicans.keys()
            for key in mine:
                assert mine[key] == pelicans[key], (granularity, key)


class _TagPages:
    """What generate_tags needs of a generator, and every page it asks the writer for."""

    def __init__(self, articles: list[Article]) -> None:
        rng = random.Random(3)
        self.articles = articles
        self.dates = sorted(articles, key=lambda a: a.date, reverse=True)
        self.context = {}
        self.tags: dict[Tag, list[Article]] = {}
        for name in ("防控", "志愿服务", "复工复产", "捐赠"):
            tag = Tag(name, DEFAULT_CONFIG)
            self.tags[tag] = [a for a in articles if rng.random() < 0.3]
        self.written: list[tuple] = []

    def get_template(self, name: str) -> str:
        return name

    def write(self, save_as: str, template: str, context: dict, **values) -> None:
        self.written.append((save_as, template, {k: (list(v) if isinstance(v, list) else v)
                                                 for k, v in values.items()}))


@pytest.mark.parametrize("seed", [1, 2])
def test_tag_pages_one_by_one_equal_pelicans(seed):
    articles = _articles(200, seed)
    ours, theirs = _TagPages(articles), _TagPages(articles)
    _tag_pages_one_by_one(ours, ours.write)
    ArticlesGenerator.generate_tags(theirs, theirs.write)
    assert ours.written == theirs.written
    assert len(ours.written) == 4
    assert ours.dates == theirs.dates and ours.tags == theirs.tags, "the generator is left as it was"


def test_a_build_collects_rarely_and_leaves_its_objects_frozen():
    before = gc.get_threshold()
    try:
        with collect_garbage_rarely():
            assert gc.get_threshold() == BUILD_GC_THRESHOLDS
            made_by_the_build = [[index] for index in range(10_000)]
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() >= len(made_by_the_build)
        with collect_garbage_rarely():  # the next build of an --autoreload process
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_the_next_build_of_a_process_collects_what_the_last_one_left_frozen():
    class Node:
        pass

    try:
        with collect_garbage_rarely():
            node = Node()
            node.itself = node  # a cycle, as Pelican's content objects and context make
            left_behind = weakref.ref(node)
            del node
        assert left_behind() is not None, "frozen at the end of the build"
        with collect_garbage_rarely():  # the next build of an --autoreload process
            assert left_behind() is None
    finally:
        gc.unfreeze()


def test_paths_under_content_are_remembered_inside_a_build_and_equal_pelicans(tmp_path):
    pelican_own = Content.get_relative_source_path
    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path / "content")}
    sources = [
        str(tmp_path / "content" / "stories" / "甲.md"), "images/乙.jpg", "./images/../丙.jpg",
        str(tmp_path / "content"), str(tmp_path / "content-other" / "丁.md"), str(tmp_path / "戊.md"), None,
    ]  # fmt: skip
    articles = [Article("<p>正文</p>", metadata={"title": "甲"}, settings=settings, source_path=source)
                for source in sources]
    expected = [article.get_relative_source_path() for article in articles]
    named = articles[0].get_relative_source_path("pages/about.md")

    with relative_paths_remembered():
        assert Content.get_relative_source_path is not pelican_own
        for _ in range(2):
            assert [article.get_relative_source_path() for article in articles] == expected
            assert articles[0].get_relative_source_path("pages/about.md") == named
    assert expected[:6] == [
        "stories/甲.md", "images/乙.jpg", "丙.jpg", ".", "../content-other/丁.md", "../戊.md",
    ] and expected[6] is None  # fmt: skip
    assert Content.get_relative_source_path is pelican_own

    with pytest.raises(RuntimeError), relative_paths_remembered():
        raise RuntimeError("a build that fails")
    assert Content.get_relative_source_path is pelican_own


def test_slugs_are_worked_out_once_inside_a_build_and_equal_pelicans(tmp_path, monkeypatch):
    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path), "SLUGIFY_SOURCE": "basename"}
    names = ["图片 新闻", "Photo News!", "<b>抗疫</b> 一线", "图片 新闻"]
    expected = [slugify(name, regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"]) for name in names]
    worked_out = []

    def counting(value, *args, **kwargs):
        worked_out.append(value)
        return slugify(value, *args, **kwargs)

    monkeypatch.setattr("pelican.utils.slugify", counting)
    with slugs_remembered():
        slugs = [Category(name, settings).slug for name in names]
        statics = [Static(None, {}, settings, str(tmp_path / f"{n}-Foto.JPG")) for n in (1, 2, 1)]
        assert [static.slug for static in statics] == ["1-foto", "2-foto", "1-foto"]
        listed = Category("x", {**settings, "SLUG_REGEX_SUBSTITUTIONS": [[r"x", "y"]]}).slug
    assert slugs == expected and listed == "y"
    assert worked_out == ["图片 新闻", "Photo News!", "<b>抗疫</b> 一线", "1-Foto", "2-Foto", "x"]
    assert pelican.contents.slugify is slugify and pelican.urlwrappers.slugify is slugify


def test_slugs_are_kept_for_the_next_build_and_worked_out_again_by_another_version(tmp_path, monkeypatch):
    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path)}
    memo = tmp_path / "cache" / "slugs.pickle"
    worked_out = []

    def counting(value, *args, **kwargs):
        worked_out.append(value)
        return slugify(value, *args, **kwargs)

    monkeypatch.setattr("pelican.utils.slugify", counting)
    with slugs_remembered(memo, "key-1"):
        first = [Category(name, settings).slug for name in ("图片 新闻", "Photo News!")]
    assert worked_out == ["图片 新闻", "Photo News!"] and memo.is_file()
    with slugs_remembered(memo, "key-1"):
        assert [Category(name, settings).slug for name in ("图片 新闻", "Photo News!")] == first
        assert Category("抗疫", settings).slug == slugify("抗疫", settings["SLUG_REGEX_SUBSTITUTIONS"])
    assert worked_out == ["图片 新闻", "Photo News!", "抗疫"]  # only the new one
    with slugs_remembered(memo, "key-1"):  # a build that no longer has "Photo News!" keeps it no more
        assert Category("抗疫", settings).slug
    worked_out.clear()
    with slugs_remembered(memo, "key-1"):
        assert Category("Photo News!", settings).slug == first[1]
    assert worked_out == ["Photo News!"]

    worked_out.clear()
    with slugs_remembered(memo, "key-2"):
        assert Category("Photo News!", settings).slug == first[1]
    assert worked_out == ["Photo News!"]  # kept by another version: worked out again
    # Damaged or foreign files: the slugs are worked out again, the build goes on.
    subs = tuple(map(tuple, settings["SLUG_REGEX_SUBSTITUTIONS"]))
    for damaged in (
        b"not a pickle",
        b"cno_such_module\nthing\n.",  # names a module that is not there
        pickle.dumps(("key-1", {(subs, False, False): {"抗疫": 42}})),  # the right key, not slugs
    ):
        memo.write_bytes(damaged)
        worked_out.clear()
        with slugs_remembered(memo, "key-1"):
            assert Category("抗疫", settings).slug == slugify("抗疫", settings["SLUG_REGEX_SUBSTITUTIONS"])
        assert worked_out == ["抗疫"], damaged


DATE_FORMATS = [
    "%Y", "%m", "%Y年%-m月%-d日", "%Y-%m-%d %H:%M:%S", "%-H:%M", "%-d %-M %-S", "%-Y", "",
    "无指令", "%%Y", "100%%", "%Y%%%m", "%Y年%B", "%a %d", "%z", "%Y-%m-%dT%H:%M:%S%z", "%j",
    "%Q", "%", "50%", "%-", "%-%", "%\n%Y", "%Y 完%", "%%%",
    Markup("%Y年 <b>&</b>"),
]  # fmt: skip
DATES = [
    SafeDatetime(2020, 2, 18, 9, 5, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    SafeDatetime(2021, 12, 31, 23, 59, 59),
    SafeDatetime(2020, 10, 1, 0, 0, 7),
    datetime(2022, 3, 5, 10, 30),
    SafeDatetime(999, 1, 2),
    date(2020, 2, 18),
]


def _formatted(value, date_format):
    try:
        formatted = pelican.utils.strftime(value, date_format)
    except Exception as error:  # Pelican's own raises on some formats: ours must raise the same
        return type(error)
    return type(formatted), formatted


def test_dates_formatted_fast_equal_pelicans_and_pelicans_comes_back():
    pelicans = {(value, f): _formatted(value, f) for value in DATES for f in DATE_FORMATS}
    assert pelicans[(DATES[0], "%Y年%-m月%-d日")] == (str, "2020年2月18日")
    assert pelicans[(DATES[2], "%-H:%M")] == (str, "0:00")
    # The story's date in words takes the fast way (the comparison below would pass without it).
    fields = (("year", False), ("month", True), ("day", True))
    assert _digits_plan("%Y年%-m月%-d日") == ("%s年%s月%s日", fields)
    own = pelican.utils.strftime
    with dates_formatted_fast():
        assert pelican.utils.strftime is not own
        ours = {(value, f): _formatted(value, f) for value in DATES for f in DATE_FORMATS}
        # As Pelican's contents use it: a story's date in words and its year in the URL.
        assert DATES[0].strftime("%Y年%-m月%-d日") == "2020年2月18日"
        assert f"stories/{DATES[1]:%Y}/" == "stories/2021/"
    assert ours == pelicans
    assert pelican.utils.strftime is own
