"""Which file under content/ an <img> shows: `{static}` paths as Pelican reads them, plain addresses
as the browser reads them from the story's page."""

from pathlib import Path
from types import SimpleNamespace

from photos import _StaticFiles
from photos.pages import source_path


def _files(tmp_path: Path) -> _StaticFiles:
    statics = [
        SimpleNamespace(relative_source_path="images/samples/trucks.jpg", url="images/samples/trucks.jpg"),
        # Served elsewhere by a STATIC_URL setting.
        SimpleNamespace(relative_source_path="pictures/boxes.jpg", url="static/boxes.jpg"),
    ]
    return _StaticFiles(SimpleNamespace(settings={"PATH": str(tmp_path)}, staticfiles=statics))


def test_static_and_plain_addresses_lead_to_the_same_files(tmp_path: Path) -> None:
    files = _files(tmp_path)
    page = SimpleNamespace(save_as="stories/2020/02/trucks/index.html")

    def shown(src: str) -> str | None:
        return source_path(src, "stories", lambda address: files.at_address(address, page))

    assert shown("{static}/images/samples/trucks.jpg") == "images/samples/trucks.jpg"
    assert shown("{static}../images/samples/trucks.jpg") == "images/samples/trucks.jpg"  # from stories/
    assert shown("/images/samples/trucks.jpg") == "images/samples/trucks.jpg"
    assert shown("../../../../images/samples/trucks.jpg") == "images/samples/trucks.jpg"  # from the page
    assert shown("/static/boxes.jpg") == "pictures/boxes.jpg"  # by its address, not its path
    assert shown("/pictures/boxes.jpg") is None
    assert shown("images/samples/trucks.jpg") is None  # relative to the page: stories/2020/02/trucks/images/…
    assert shown("https://example.org/images/samples/trucks.jpg") is None
    assert shown("//example.org/images/samples/trucks.jpg") is None


def test_a_listed_file_needs_no_stat_and_another_one_is_looked_for(tmp_path: Path) -> None:
    files = _files(tmp_path)
    assert files.is_file("images/samples/trucks.jpg")  # listed by Pelican, not on disk here
    assert not files.is_file("images/other.jpg")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "other.jpg").write_bytes(b"")
    assert files.is_file("images/other.jpg")
