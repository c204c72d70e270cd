"""The public build (publishconf.py): absolute addresses from PUBLIC_SITEURL or SITEURL, no drafts, no
editors' WeChat previews."""

from sitebuild import build_site, content_with

SITEURL = "https://shzz.example.gov.cn"


def test_publish_build_uses_absolute_siteurl_and_never_writes_drafts(tmp_path):
    content = content_with(
        tmp_path,
        {
            "draft.md": (
                "Title: 未完成的草稿\nDate: 2020-03-03 09:00\nCategory: 工作动态\n"
                "Slug: unfinished\nStatus: draft\n\n草稿。\n"
            ),
        },
    )
    output = tmp_path / "out"
    build = build_site(output, content=content, settings_file="publishconf.py", env={"SITEURL": ""})
    assert build.returncode == 0, build.log
    assert "SITE_REGISTRATION_PLACEHOLDERS" in build.log, "the example footer details are pointed out"
    home = build.page("index.html")
    assert home.find("meta", attrs={"name": "SiteDomain"})["content"] == "shzz.example.gov.cn"
    assert home.find("link", rel="stylesheet")["href"].startswith(SITEURL + "/")
    assert all(
        a["href"].startswith(("https://", "mailto:"))
        for a in home.find_all("a", href=True)
        if not a["href"].startswith("#")
    )
    text = "".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    assert "未完成的草稿" not in text
    assert not list(output.rglob("*unfinished*")) and not (output / "drafts").exists()
    assert not list(output.glob("wechat/*/index.html")), "the editors' previews are not published"
    assert list(output.glob("wechat/*/cover-*.jpg")), "the WeChat feed's covers are"


def test_siteurl_overrides_the_public_address_for_one_build(tmp_path):
    build = build_site(tmp_path / "out", settings_file="publishconf.py", env={"SITEURL": "https://test.example.cn/"})
    assert build.returncode == 0, build.log
    home = build.page("index.html")
    assert home.find("meta", attrs={"name": "SiteDomain"})["content"] == "test.example.cn"
    assert home.find("link", rel="stylesheet")["href"].startswith("https://test.example.cn/theme/")


def test_publish_with_a_siteurl_that_is_no_address_refuses(tmp_path):
    env = {"SITEURL": "shzz.example.gov.cn"}
    build = build_site(tmp_path / "out", settings_file="publishconf.py", env=env)
    assert build.returncode != 0
    assert "PUBLIC_SITEURL" in build.log and "https://" in build.log
