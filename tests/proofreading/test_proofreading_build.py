"""Real builds: each severity reported with file and line, emphasis and addresses, Proofread_ok, cached
rebuilds, a changed word list, and the publish gate."""

from sitebuild import build_site, content_with

SERIOUS_STORY = """Title: 关于扫黑险恶的报道
Date: 2020-03-03 09:00
Category: 工作动态
Slug: proof-serious
Summary: 一篇测试稿件。
Region: 南京市

坚决推进扫黑**险**恶专项斗争。

[一个链接](https://example.com/疫情防空/) 和 https://example.cn/扫黑险恶 都是地址。
"""
ORDINARY_STORY = """Title: 一般错字
Date: 2020-03-04 09:00
Category: 工作动态
Slug: proof-ordinary
Summary: 一篇测试稿件。

""" + "".join(f"截止目前，第 {n} 段。\n\n" for n in range(5))
ACCEPTED_STORY = """Title: 回顾疫情初期
Date: 2020-03-05 09:00
Category: 工作动态
Slug: proof-accepted
Summary: 一篇测试稿件。
Proofread_ok: 不明原因肺炎, 新型肺炎

当时称为不明原因肺炎。
"""


def flat(log: str) -> str:
    return " ".join(log.split())


def test_hits_are_reported_on_every_build_and_accepted_ones_said_so(tmp_path):
    content = content_with(
        tmp_path,
        {
            "proof-serious.md": SERIOUS_STORY,
            "proof-ordinary.md": ORDINARY_STORY,
            "proof-accepted.md": ACCEPTED_STORY,
        },
    )
    output = tmp_path / "out"
    build = build_site(output, content=content, verbose=True)
    assert build.returncode == 0, build.log
    log = flat(build.log)
    # 严重 is a warning in a local build, so editors still get their preview.
    assert (
        "WARNING 错敏字检查：stories/proof-serious.md 第 1 行“关于扫黑险恶的报道”中有“扫黑险恶”（严重）；"
        "建议：“扫黑除恶”；说明：“重要政治术语”"
    ) in log
    # Split by emphasis: still found, on its source line; the addresses on line 10 are not text.
    assert "stories/proof-serious.md 第 8 行“坚决推进扫黑险恶专项斗争。”中有“扫黑险恶”" in log
    assert "proof-serious.md 第 10 行" not in log and "疫情防空" not in log
    assert "ERROR" not in log
    # 一般 is a warning; repeats are summarized by plugins/buildlog after BUILDLOG_SHOWN (3).
    assert "proof-ordinary.md 第 7 行“截止目前，第 0 段。”中有“截止目前”（一般）；建议：“截至目前”" in log
    assert "5 warnings like “错敏字检查：stories/proof-ordinary.md 第 7 行" in log
    assert "2 more hidden" in log
    # Accepted: no warning, but the report says so.
    assert "proof-accepted.md 第 8 行“" not in log
    assert "stories/proof-accepted.md 第 8 行的“不明原因肺炎”已在 Proofread_ok 中确认" in log
    assert "Proofread_ok 列出的“新型肺炎”在稿件中没有出现" in log
    assert "错敏字检查：严重 2 处，一般 5 处，已确认 1 处" in log
    report = (tmp_path / "out-cache" / "proofreading.txt").read_text(encoding="utf-8").splitlines()
    assert report[0].startswith("文件\t行\t写法")
    assert "stories/proof-accepted.md\t8\t不明原因肺炎\t一般\t已确认\t当时称为不明原因肺炎。" in report
    assert len(report) == 1 + 8

    # A rebuild reads the unchanged stories from the cache: their hits are reported again.
    other_story = ACCEPTED_STORY.replace("proof-accepted", "proof-other")
    (content / "stories" / "proof-other.md").write_text(other_story, encoding="utf-8")
    rebuild = build_site(output, content=content)
    assert rebuild.returncode == 0, rebuild.log
    assert "stories/proof-serious.md 第 8 行“坚决推进扫黑险恶专项斗争。”" in flat(rebuild.log)

    # Editing the word list checks every story again with the new list.
    with (content / "proofreading.tsv").open("a", encoding="utf-8") as word_list:
        word_list.write("专项斗争\t专项行动\t一般\t测试用的新词条\n")
    after_edit = build_site(output, content=content)
    assert after_edit.returncode == 0, after_edit.log
    # The log shows three 一般 hits and counts the rest; the report lists every one.
    report = (tmp_path / "out-cache" / "proofreading.txt").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("stories/proof-serious.md\t8\t专项斗争\t一般\t") for line in report)


def test_a_serious_hit_fails_the_public_build(tmp_path):
    content = content_with(tmp_path, {"proof-serious.md": SERIOUS_STORY})
    build = build_site(
        tmp_path / "out",
        content=content,
        settings_file="publishconf.py",
        env={"SITEURL": "https://shzz.example.gov.cn"},
        options=("--fatal", "errors"),
    )
    assert build.returncode != 0
    assert "错敏字检查：stories/proof-serious.md 第 1 行" in flat(build.log)
    assert "ERROR" in build.log
