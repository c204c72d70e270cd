"""Where the search index is written and which of its files may be cached for good: the one place
the templates (through the settings), the upload rules, the server configuration's tests and
robots.txt ask, so that none of them knows the index's format."""

import re
from typing import Any

from markupsafe import Markup
from siterules.folders import SEARCH_FOLDER, WECHAT_FOLDER

DEFAULTS: dict[str, Any] = {
    "SEARCH_ENABLED": True,
    # The index's folder in the output (robots.txt keeps search engines out of it).
    "SEARCH_INDEX_FOLDER": SEARCH_FOLDER,
    # Top-level folders of the site never searched: wechat/ holds the editors' unpublished previews.
    "SEARCH_EXCLUDED_FOLDERS": [WECHAT_FOLDER],
    # Uncompressed bytes of postings per chunk: a query fetches one chunk per pair of characters.
    "SEARCH_CHUNK_BYTES": 6000,
    # Stories added, edited or deleted since the large segment was written that a small recent
    # segment takes; one more and the large segment is written again with every story.
    "SEARCH_RECENT_LIMIT": 64,
}
# The file naming every other file of the index; the only one that changes under its own name.
ENTRY_FILE = "index.json"
# Bumped whenever the files' format or terms.py's rules change (search.js reads this format).
INDEX_LAYOUT = "pairs-3"
# The search page's template variable holding the entry file's text (templates/search.html).
ENTRY_CONTEXT_KEY = "search_entry"


# The element of templates/search.html that carries the entry, its text between the two groups.
CARRIED_ENTRY = re.compile(r'(<script type="application/json" id="search-entry">).*?(</script>)', re.DOTALL)


def entry_for_page(entry_text: str) -> Markup:
    """The entry file's text as the search page carries it, in <script type="application/json">:
    JSON with every "<" escaped, so that nothing in it can end the element."""
    return Markup(entry_text.strip().replace("<", "\\u003c"))


def with_carried_entry(page: str, entry_text: str) -> str:
    """A written search page carrying `entry_text` ("" for none) instead of its own entry; a page
    that carries none is an error."""
    html, replaced = CARRIED_ENTRY.subn(
        lambda match: match[1] + str(entry_for_page(entry_text)) + match[2], page, count=1
    )
    if replaced != 1:
        raise ValueError("the page carries no search entry (<script id=\"search-entry\">)")
    return html


def is_entry(relative: str, folder: str = DEFAULTS["SEARCH_INDEX_FOLDER"]) -> bool:
    """Whether a file of the output (path relative to it, with "/") is the index's entry file: it
    must be revalidated, like a page."""
    return relative == f"{folder}/{ENTRY_FILE}"


def is_content_named(relative: str, folder: str = DEFAULTS["SEARCH_INDEX_FOLDER"]) -> bool:
    """Whether a file of the output is an index file named by its content (its folder's or its own
    name is a hash of what it holds): it never changes and may be cached for good."""
    return relative.startswith(f"{folder}/") and relative.endswith(".gz") and not is_entry(relative, folder)
