import pytest
from taxonomy.validation import VocabularyError, check_stories, metadata_problems
from taxonomy.vocabulary import ORG_TYPES, REGIONS


def test_known_and_empty_values_pass():
    ok = {"org_type": ORG_TYPES[0].name, "region": REGIONS[3].name, "category": "先进典型"}
    assert metadata_problems(ok, "a.md") == []
    assert metadata_problems({"org_type": "", "region": None}, "b.md") == []


def test_unknown_value_names_file_field_and_allowed_values():
    problems = metadata_problems({"org_type": "行业协会", "region": "上海市"}, "content/x.md")
    assert len(problems) == 2
    org, region = problems
    assert org.startswith("content/x.md: org_type") and "“行业协会”" in org
    assert all(term.name in org for term in ORG_TYPES)
    assert "region" in region and "“上海市”" in region and "宿迁市" in region


def test_unknown_category_is_refused():
    (problem,) = metadata_problems({"category": "杂谈"}, "y.md")
    assert "category" in problem and "工作动态" in problem


def test_check_stories_raises_once_with_every_problem():
    with pytest.raises(VocabularyError) as caught:
        check_stories([("a.md", {"region": "北京市"}), ("b.md", {"org_type": "公司"})])
    message = str(caught.value)
    assert "a.md: region" in message and "b.md: org_type" in message
