"""Accessibility checks on rendered content that an editor can fix in the source file."""

import lxml.html


def images_without_alt(html: str) -> list[str]:
    """The `src` of every content image whose alt text is missing or blank."""
    if "<img" not in html.lower():  # most stories: no parse at all (this runs on every build)
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [img.get("src", "") for img in root.iter("img") if not (img.get("alt") or "").strip()]


# One format string for every image, so the build log counts them as one kind (plugins/buildlog).
MISSING_ALT = "%s: image %r has no alt text; describe it in ![说明文字](…) so screen readers can read it"
