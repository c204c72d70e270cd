"""What an editor copies from a local `make html` build carries the public address (PUBLIC_SITEURL):
the WeChat preview's 原文链接 and fragment, the WeChat and Weibo feeds, every other feed. Only the
local preview's own pages link locally."""

import re

import feedparser
from bs4 import BeautifulSoup
from site_build import PUBLIC_URL, Site

import pelicanconf

STORY = "stories/2020/test-wide-cover/"


def test_the_public_address_is_set_in_one_place() -> None:
    assert pelicanconf.PUBLIC_SITEURL == PUBLIC_URL
    assert pelicanconf.SITEURL == ""
    assert pelicanconf.SITE_DOMAIN == "shzz.example.gov.cn"


def test_a_local_builds_wechat_preview_gives_the_public_address(built_site: Site) -> None:
    output = built_site("local")
    page = (output / "wechat/test-wide-cover/index.html").read_text(encoding="utf-8")
    preview = BeautifulSoup(page, "html.parser")
    fields = {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
              for dt in preview.find_all("dt")}
    assert fields["原文链接"] == f"{PUBLIC_URL}/{STORY}"
    intro = preview.find("div", class_="wechat-preview").find("p")
    assert [a["href"] for a in intro.find_all("a")] == [f"{PUBLIC_URL}/{STORY}", f"../../{STORY}"]
    fragment = preview.find("textarea", id="wechat-source").get_text()
    assert f'src="{PUBLIC_URL}/photos/' in fragment  # the photo store's large JPEG of wide.jpg
    # The page itself is part of the local preview: its menu and style sheet stay relative.
    assert preview.find("link", rel="stylesheet")["href"].startswith("../../")
    assert preview.find("img", src=re.compile("photos/"))["src"].startswith("../../")


def test_a_local_builds_feeds_and_weibo_messages_never_link_to_localhost(built_site: Site) -> None:
    output = built_site("local")
    feeds = [path for path in (output / "feeds").rglob("*") if path.is_file()]
    assert feeds
    for path in feeds:
        assert "localhost" not in path.read_text(encoding="utf-8"), path
    weibo = feedparser.parse((output / "feeds/weibo.rss.xml").read_bytes())
    message = next(entry for entry in weibo.entries if entry.link.endswith("test-wide-cover/"))
    assert f"{PUBLIC_URL}/{STORY}" in message.description
    wechat = feedparser.parse((output / "feeds/wechat.rss.xml").read_bytes())
    assert all(entry.link.startswith(PUBLIC_URL + "/") for entry in wechat.entries)

