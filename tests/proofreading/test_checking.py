"""The word list, the matcher and the text readers see, without Pelican."""

from proofreading.checking import find_hits
from proofreading.matching import Matcher
from proofreading.plaintext import markdown_lines
from proofreading.report import accepted_forms
from proofreading.wordlist import Entry, load_word_list, parse_word_list
from sitebuild import REPO

FIELDS = ("title", "summary")


def matcher(*forms: str) -> Matcher:
    return Matcher(tuple(Entry(form, "改", "一般") for form in forms))


def test_the_starter_list_has_60_entries_and_no_problems():
    word_list = load_word_list(REPO / "content" / "proofreading.tsv", "content/proofreading.tsv")
    assert word_list.problems == ()
    assert len(word_list.entries) >= 60
    assert {entry.severity for entry in word_list.entries} == {"严重", "一般"}
    assert all(entry.note for entry in word_list.entries), "every entry says why"


def test_bad_lines_are_named_and_left_out():
    text = "# 注释\n扫黑险恶\t扫黑除恶\t严重\t说明\n只有一列\n防空\t防控\t很严重\n扫黑险恶\t扫黑除恶\t一般\n"
    entries, problems = parse_word_list(text, "list.tsv")
    assert [entry.wrong for entry in entries] == ["扫黑险恶"]
    assert [problem.split(":")[0] for problem in problems] == [
        "list.tsv, line 3",
        "list.tsv, line 4",
        "list.tsv, line 5",
    ]
    assert "Tab" in problems[0] and "严重程度" in problems[1] and "已在前面列出" in problems[2]


def test_leftmost_longest_matches_never_overlap():
    found = matcher("疫情防空", "防空", "空工作").find("做好疫情防空工作和人民防空")
    assert [(match.start, match.entry.wrong) for match in found] == [(2, "疫情防空"), (11, "防空")]


def test_emphasis_is_text_but_code_and_addresses_are_not():
    lines = [
        "Title: 标题",
        "Slug: a-slug",
        "Cover: images/扫黑险恶.jpg",
        "",
        "坚持扫黑**险**恶，*强调*与 _下划线_",
        '[链接文字](https://example.com/扫黑险恶 "题注") ![图的说明](/images/扫黑险恶.jpg)',
        '见 https://example.cn/疫情防空 与 <a href="/疫情防空/">网页</a> 和 `疫情防空` 及 <code>x</code>',
        "```",
        "扫黑险恶",
        "```",
        "[//]: # (注释：扫黑险恶)",
        r"转义的 1\*2",
    ]
    assert markdown_lines(lines, FIELDS) == [
        "标题", "", "", "",
        "坚持扫黑险恶，强调与 下划线",
        "链接文字 !图的说明",
        "见  与 网页 和  及 ",
        "", "", "", "",
        "转义的 1*2",
    ]  # fmt: skip


def test_hits_name_their_source_line_with_context():
    body = "我们坚决推进扫黑**险**恶专项斗争不松劲，取得明显成效。"
    lines = ["Title: 关于扫黑险恶的报道", "", "第一段。", "", body]
    hits = find_hits(lines, matcher("扫黑险恶"), FIELDS)
    assert [(hit.line, hit.context) for hit in hits] == [
        (1, "关于扫黑险恶的报道"),
        (5, "我们坚决推进扫黑险恶专项斗争不松劲，取得明显…"),
    ]


def test_proofread_ok_lists_forms_in_any_separator():
    assert accepted_forms("不明原因肺炎, 新型肺炎、防空工作，行业主管部门") == {
        "不明原因肺炎",
        "新型肺炎",
        "防空工作",
        "行业主管部门",
    }
    assert accepted_forms(None) == set()
