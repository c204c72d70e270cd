import shutil

import pytest
from published_site import CHANGED_STORY, PUBLIC_SITEURL
from sitebuild import build_site, content_with


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> tuple:
    """Two public builds, as `make publish` writes them: the site, then the same site after one
    story was edited (a cached rebuild, as on an editor's machine). The story was edited once already
    before the first (so its search index has a recent segment that the second one replaces)."""
    folder = tmp_path_factory.mktemp("published")
    content = content_with(folder, {})
    output = folder / "output"
    versions = []
    for version in ("v0", "v1", "v2"):
        if version != "v0":
            story = content / CHANGED_STORY
            batch = {"v1": "第一批", "v2": "第二批"}[version]
            story.write_text(
                story.read_text(encoding="utf-8") + f"\n基金会公开了{batch}捐赠明细。\n", encoding="utf-8"
            )
        build = build_site(output, content, settings_file="publishconf.py", env={"SITEURL": PUBLIC_SITEURL})
        assert build.returncode == 0, build.log
        if version != "v0":
            versions.append(shutil.copytree(output, folder / version))
    return tuple(versions)
