"""The feed catalogue, the theme's feeds_for and the write-only-on-change rule, without a build."""

import os
from datetime import timedelta
from pathlib import Path

import jinja2
from channel_items import make_item
from channels.feedcache import write_if_changed
from channels.links import DEFAULT_SETTINGS, FeedsFor, build_catalogue
from channels.model import FeedItem

SETTINGS = {
    **DEFAULT_SETTINGS,
    "SITENAME": "站点",
    "CATEGORY_URL": "category/{slug}/",
    "TAG_URL": "tag/{slug}/",
}


def items(count: int) -> list[FeedItem]:
    first = make_item()
    return [
        make_item(
            id=f"urn:test:{n}",
            title=f"稿件{n}",
            published=first.published - timedelta(days=n),
            updated=first.published - timedelta(days=n),
        )
        for n in range(count)
    ]


def test_catalogue_has_a_group_per_listing_in_use() -> None:
    catalogue = build_catalogue(items(2), SETTINGS)
    kinds = {(group.kind, group.slug) for group in catalogue.groups}
    assert {
        ("site", "all"),
        ("category", "jing-yan-zuo-fa"),
        ("tag", "wu-zi-bao-zhang"),
        ("org_type", "unlabelled"),
        ("region", "nanjing"),
        ("app", "app"),
    } <= kinds
    assert ("region", "suzhou") not in kinds  # no story there: no feed


def test_feed_limit_keeps_the_newest() -> None:
    catalogue = build_catalogue(items(5), {**SETTINGS, "CHANNELS_FEED_LIMIT": 3})
    assert [item.title for item in catalogue.group("site").items] == ["稿件0", "稿件1", "稿件2"]
    assert len(catalogue.group("app").items) == 5


def test_channel_opt_out_removes_the_story_from_that_channel_only() -> None:
    story = make_item(channels=frozenset({"wechat", "weibo"}))
    catalogue = build_catalogue([story], SETTINGS)
    assert catalogue.group("site") is None and catalogue.group("app") is None
    assert catalogue.group("wechat").items == (story,)


def test_feeds_for_in_a_macro_imported_without_context() -> None:
    feeds_for = FeedsFor()
    loader = jinja2.DictLoader(
        {
            "macros.html": "{% macro heads(kind, slug) %}{% for l in feeds_for(kind, slug) %}"
            "{{ l.path }}|{{ l.mime }};{% endfor %}{% endmacro %}",
            "page.html": '{% from "macros.html" import heads %}{{ heads("region", "nanjing") }}',
            "home.html": '{% from "macros.html" import heads %}{{ heads("site", None) }}',
        }
    )
    env = jinja2.Environment(loader=loader)
    env.globals["feeds_for"] = feeds_for
    assert env.get_template("page.html").render() == ""  # before the model exists
    feeds_for.catalogue = build_catalogue(items(1), SETTINGS)
    assert env.get_template("page.html").render() == (
        "feeds/region/nanjing.atom.xml|application/atom+xml;feeds/region/nanjing.rss.xml|application/rss+xml;"
    )
    assert "feeds/app.json|application/feed+json;" in env.get_template("home.html").render()
    assert feeds_for("wechat") == [] and feeds_for("region", "suzhou") == []


def test_unchanged_file_is_not_rewritten(tmp_path: Path) -> None:
    write_if_changed(tmp_path, "feeds/a.xml", b"one")
    target = tmp_path / "feeds/a.xml"
    stamp = target.stat().st_mtime_ns - 1_000_000_000
    os.utime(target, ns=(stamp, stamp))
    write_if_changed(tmp_path, "feeds/a.xml", b"one")
    assert target.stat().st_mtime_ns == stamp
    write_if_changed(tmp_path, "feeds/a.xml", b"two")
    assert target.read_bytes() == b"two"


def test_subscribe_partial_lists_every_feed_with_what_it_carries() -> None:
    theme = Path(__file__).resolve().parents[2] / "theme" / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme), autoescape=True)
    catalogue = build_catalogue(items(1), SETTINGS)
    html = env.get_template("partials/feed_list.html").render(channel_feeds=catalogue, SITEURL="https://x.cn")
    for link in [*(link for group in catalogue.groups for link in group.links), catalogue.opml]:
        assert f'href="https://x.cn/{link.path}" type="{link.mime}">{link.title}</a>' in html
    for group in catalogue.groups:
        assert group.carries in html
    assert env.get_template("partials/feed_list.html").render(SITEURL="").strip() == ""
