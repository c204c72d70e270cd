from controlchars.characters import clean_text, describe
from controlchars.reading import clean_markdown_lines


def test_word_breaks_become_line_breaks_and_other_controls_go():
    text, found = clean_text("第一行\x0b第二行\x01。\x0c\t\n\r", "<br>")
    assert text == "第一行<br>第二行。<br>\t\n\r"
    assert found == {"U+000B": 1, "U+0001": 1, "U+000C": 1}


def test_everything_xml_forbids_or_discourages_goes():
    hostile = "a\x00b\x1fc\x7fd\x85e\x9ff\ud800g\udfffh\ufffei\uffffj\ufdd0k\U0001fffel\U0010ffff"
    text, found = clean_text(hostile)
    assert text == "abcdefghijkl"
    assert sum(found.values()) == 12


def test_character_references_to_forbidden_characters_go_others_stay():
    text, found = clean_text("a&#1;b&#x0B;c&#xd800;d&#0;e&#65;f&#x4e2d;g&#99999999;", " ")
    assert text == "ab c" + "de&#65;f&#x4e2d;g"
    assert found == {"U+0001": 1, "U+000B": 1, "U+D800": 1, "U+0000": 1, "U+5F5E0FF": 1}


def test_clean_text_leaves_ordinary_chinese_alone():
    story = "江苏省某协会组织志愿者开展社区防疫宣传，服务居民三百余人次。\n\t“引号”——破折号…"
    assert clean_text(story) == (story, {})


def test_describe_lists_characters_in_code_point_order_with_counts():
    assert describe(clean_text("\x0b\x01\x0b")[1]) == "U+0001, U+000B ×2"


def test_markdown_front_matter_values_stay_on_their_line_and_body_breaks_are_hard():
    lines = ["Title: 标题\x0b续", "Date: 2020-02-20\x01 10:00", ""]
    lines += ["第一段\x0b第二行\x01", "尾\x0b", "下一行"]
    cleaned, found = clean_markdown_lines(lines)
    assert cleaned == ["Title: 标题 续", "Date: 2020-02-20 10:00", "", "第一段  ", "第二行", "尾  ", "下一行"]
    assert [number for number, _ in found] == [1, 2, 4, 5]
    assert found[2] == (4, {"U+000B": 1, "U+0001": 1})


def test_a_file_without_front_matter_is_all_body():
    cleaned, _found = clean_markdown_lines(["正文\x0b续"])
    assert cleaned == ["正文  ", "续"]
