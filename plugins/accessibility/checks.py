"""Accessibility checks on rendered content that an editor can fix in the source file."""

from bs4 import BeautifulSoup


def images_without_alt(html: str) -> list[str]:
    """The `src` of every content image whose alt text is missing or blank."""
    soup = BeautifulSoup(html, "html.parser")
    return [img.get("src", "") for img in soup.find_all("img") if not (img.get("alt") or "").strip()]


# One format string for every image, so the build log counts them as one kind (plugins/buildlog).
MISSING_ALT = "%s: image %r has no alt text; describe it in ![说明文字](…) so screen readers can read it"
