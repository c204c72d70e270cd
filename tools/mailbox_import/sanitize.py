"""Allow-list cleaning of a submitted mail's HTML body, with the site's one allow-list
(`plugins/sanitizer/allowlist.py`).

Submitted HTML is untrusted, and converting it to Markdown can turn escaped text back into live
markup, so the story is cleaned again when the site is built, like every story (plugins/sanitizer).
"""

from sanitizer.allowlist import SUBMITTED

_SUBMITTED = SUBMITTED.cleaner()


def clean_html(html: str) -> str:
    """Clean a submitted mail's HTML body; img src may still be cid: for the importer to resolve."""
    return _SUBMITTED.clean(html)
