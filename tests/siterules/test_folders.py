"""The folder names deploy/nginx.conf, make upload and pelicanconf.py use are the ones siterules names."""

import re

from sitebuild import REPO
from siterules.folders import (
    FEEDS_FOLDER,
    PHOTOS_FOLDER,
    SEARCH_FOLDER,
    SUBMITTED_IMAGES_FOLDER,
    WECHAT_FOLDER,
)
from upload.files import IMMUTABLE, Kind, cache_control, kind_of

import pelicanconf

NGINX = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")


def test_nginx_serves_the_feeds_and_keeps_the_imported_photos_by_these_names():
    assert f"location ^~ /{FEEDS_FOLDER}/ {{" in NGINX
    for folder in (SUBMITTED_IMAGES_FOLDER, PHOTOS_FOLDER):
        location = re.escape(f"location ^~ /{folder}/ {{")
        immutable = re.search(location + r'\s*set \$cache_control "([^"]+)"', NGINX)
        assert immutable and immutable.group(1) == IMMUTABLE, folder


def test_make_upload_sorts_and_keeps_files_by_these_names():
    assert kind_of(f"{FEEDS_FOLDER}/all.atom.xml") is Kind.FEED
    assert kind_of(f"{SEARCH_FOLDER}/index.json") is Kind.PAGE
    assert cache_control(f"{SEARCH_FOLDER}/b-0123/c-4567.gz") == IMMUTABLE
    assert cache_control(f"{SUBMITTED_IMAGES_FOLDER}/0123abcd.jpg") == IMMUTABLE
    assert cache_control(f"{PHOTOS_FOLDER}/3f/3fa2c0de.webp") == IMMUTABLE


def test_the_settings_keep_the_previews_out_of_the_sitemap_and_robots_by_these_names():
    assert f"^{WECHAT_FOLDER}/" in pelicanconf.SITEMAP_XML_EXCLUDE
    assert [f"{WECHAT_FOLDER}/", f"{SEARCH_FOLDER}/"] == pelicanconf.ROBOTS_TXT_DISALLOW
    assert f"content/{SUBMITTED_IMAGES_FOLDER}" == pelicanconf.MAILBOX_IMAGES_DIR


def test_the_built_site_has_them(site):
    assert (site.output / FEEDS_FOLDER / "all.atom.xml").is_file()
    assert (site.output / SEARCH_FOLDER / "index.json").is_file()
    assert any((site.output / WECHAT_FOLDER).glob("*/index.html"))
    assert any((site.output / PHOTOS_FOLDER).rglob("*.webp"))
