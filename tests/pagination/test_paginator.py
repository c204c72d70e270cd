"""StablePaginator without Pelican: which stories each page holds as a listing grows."""

import pytest
from pagination import check_order
from pagination.paginator import StablePaginator, pages_to_write

SETTINGS = {
    "PAGINATION_PATTERNS": (
        (1, "{url}", "{save_as}"),
        (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
    ),
    "PAGINATED_TEMPLATES": {"category": None},
    "DEFAULT_PAGINATION": 10,
}


def pages(count: int, per_page: int = 10) -> dict[str, list[int]]:
    """save_as -> stories (numbered from the oldest, 1..count) of a newest-first listing."""
    newest_first = list(range(count, 0, -1))
    paginator = StablePaginator("category/x/index.html", "category/x/", newest_first, SETTINGS, per_page)
    return {paginator.page(n).save_as: paginator.page(n).object_list for n in paginator.page_range}


def test_archive_pages_are_fixed_slices_from_the_oldest():
    assert pages(35) == {
        "category/x/index.html": list(range(35, 10, -1))[:15],
        "category/x/page/2/index.html": list(range(20, 10, -1)),
        "category/x/page/1/index.html": list(range(10, 0, -1)),
    }


@pytest.mark.parametrize("count", [0, 1, 9, 10, 19, 20, 21, 99, 100, 101])
def test_every_story_on_exactly_one_page_and_first_page_holds_the_newest(count):
    cut = pages(count)
    listed = [story for stories in cut.values() for story in stories]
    assert sorted(listed) == list(range(1, count + 1))
    first = cut.pop("category/x/index.html")
    assert first == list(range(count, count - len(first), -1))
    assert len(first) == count if count < 20 else 10 <= len(first) < 20
    assert all(len(stories) == 10 for stories in cut.values())


def test_adding_stories_changes_only_the_first_page_until_a_new_page_is_added():
    before = pages(37)
    for count in range(38, 60):
        after = pages(count)
        changed = {name for name in after if before.get(name) != after[name]}
        added = after.keys() - before.keys()
        if count % 10 == 0:
            assert added == {f"category/x/page/{count // 10 - 1}/index.html"}
            assert changed == {"category/x/index.html", *added}
        else:
            assert changed == {"category/x/index.html"} and not added
        before = after


def test_newer_and_older_pages_follow_pelicans_variables():
    kwargs = {"articles": list(range(25, 0, -1)), "category": "x"}
    written = dict(pages_to_write("category/x/index.html", "category/x/", "category", None, SETTINGS, kwargs))
    assert list(written) == ["category/x/index.html", "category/x/page/1/index.html"]
    first, oldest = written.values()
    assert first["articles_previous_page"] is None
    assert first["articles_next_page"].url == "category/x/page/1/"
    assert oldest["articles_previous_page"].url == "category/x/"
    assert oldest["articles_next_page"] is None
    assert oldest["articles_page"].archive_number == 1 and oldest["articles_page"].number == 2
    # One page object each, shared by the page and its neighbours' links (memory at 10,000 stories).
    assert first["articles_next_page"] is oldest["articles_page"]
    assert oldest["articles_previous_page"] is first["articles_page"]


def test_unpaginated_templates_are_written_once():
    kwargs = {"articles": list(range(25))}
    assert list(pages_to_write("tags.html", "tags/", "tags", None, SETTINGS, kwargs)) == [
        ("tags.html", kwargs)
    ]


def test_oldest_first_listings_are_refused():
    with pytest.raises(ValueError, match="NEWEST_FIRST_ARCHIVES"):
        check_order({"ARTICLE_ORDER_BY": "reversed-date", "NEWEST_FIRST_ARCHIVES": False})
