import pytest
from sitebuild import Build, build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    """The site built once from the repository's own content, as `make html` builds it."""
    build = build_site(tmp_path_factory.mktemp("site") / "output")
    assert build.returncode == 0, build.log
    return build
