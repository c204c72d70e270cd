from accessibility.checks import images_without_alt
from sitebuild import build_site, content_with


def test_images_without_alt():
    html = '<p><img src="a.jpg" alt="志愿者"><img src="b.jpg" alt=" "><img src="c.jpg"></p>'
    assert images_without_alt(html) == ["b.jpg", "c.jpg"]
    assert images_without_alt('<figure><IMG SRC="d.jpg"></figure>') == ["d.jpg"]
    assert images_without_alt("<p>写成 &lt;img src=x&gt; 的文字不是图片</p>") == []
    assert images_without_alt("<p>没有图片</p>") == []
    # As Markdown writes them: an empty alt before another attribute, and alt text in quotes.
    assert images_without_alt('<p><img alt="" src="e.jpg" /><img alt="说明" src="f.jpg" /></p>') == ["e.jpg"]
    assert images_without_alt("<img src='g.jpg' alt='说明'><img src=h.jpg data-alt='x'>") == ["h.jpg"]
    assert images_without_alt('<img src="i.jpg" alt="a>b">') == []


def test_build_warns_naming_the_file(tmp_path):
    content = content_with(
        tmp_path,
        {
            "no-alt.md": (
                "Title: 无说明图片\nDate: 2020-03-02 09:00\nCategory: 工作动态\nSlug: no-alt\n\n"
                "![](/images/none.jpg)\n"
            ),
        },
    )
    build = build_site(tmp_path / "out", content=content)
    assert build.returncode == 0, build.log
    log = "".join(build.log.split())
    assert "stories/no-alt.md" in log and "noalttext" in log
    assert log.count("noalttext") == 1, "only the new story lacks alt text"
