"""The store of derived photos, without Pelican: sizes, formats, the awkward pictures, made once."""

import io
import json
import logging
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from fastbuild.inputs import Describer
from photos import store as photo_store
from photos.recipes import FALLBACK, LARGE, PAGE_RECIPES, RESPONSIVE, WECHAT_BANNER
from photos.store import Photo, PhotoStore, Variant
from PIL import Image

STORY = "stories/2020-02-18-test.md"


def _save(content: Path, name: str, picture: Image.Image, **options) -> str:
    path = content / "images" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, **options)
    return f"images/{name}"


def _derived(store: PhotoStore, source: str, recipe) -> Image.Image:
    variant = store.photo(source).variant(recipe)
    return Image.open(store.folder / variant.path.removeprefix("photos/"))


def _made(
    content: Path, store_dir: Path, sources: dict[str, str], recipes=PAGE_RECIPES, workers=1, cache=None
) -> PhotoStore:
    store = PhotoStore(store_dir, content, cache)
    for source, story in sources.items():
        store.ask(source, recipes, story)
    store.make(workers)
    store.remember()
    return store


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return tmp_path / "content"


def test_a_phone_photo_is_upright_in_every_width_without_exif(content: Path, tmp_path: Path) -> None:
    # Stored sideways (4000x3000) with orientation 6: upright it is 3000 wide and 4000 high.
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone Maker"
    exif[0x8825] = {2: (32.0, 3.0, 1.0)}  # GPSInfo: latitude
    picture = Image.new("RGB", (4000, 3000), (200, 30, 30))
    picture.paste((30, 30, 200), (0, 0, 2000, 3000))  # stored left half blue: upright, the top is blue
    source = _save(content, "phone.jpg", picture, format="JPEG", quality=90, exif=exif)

    store = _made(content, tmp_path / "store", {source: STORY}, workers=2)

    photo = store.photo(source)
    assert (photo.width, photo.height) == (3000, 4000)
    assert [v.width for v in photo.widths(RESPONSIVE)] == [480, 720, 1080, 1440]
    assert [v.mime for v in photo.widths(RESPONSIVE)] == ["image/webp"] * 4
    for recipe in PAGE_RECIPES:
        derived = _derived(store, source, recipe)
        variant = photo.variant(recipe)
        assert derived.size == (variant.width, variant.height)
        assert variant.height == variant.width * 4 // 3
        assert not derived.getexif() and "exif" not in derived.info
        assert derived.getpixel((derived.width // 2, 5))[2] > 150  # the top is blue: turned upright
    assert store.photo(source).variant(FALLBACK).mime == "image/jpeg"


def test_never_wider_than_the_source(content: Path, tmp_path: Path) -> None:
    source = _save(content, "small.png", Image.new("RGB", (600, 400), "green"), format="PNG")
    photo = _made(content, tmp_path / "store", {source: STORY}).photo(source)
    assert [(v.width, v.height) for v in photo.widths(RESPONSIVE)] == [(480, 320), (600, 400)]
    assert photo.variant(LARGE).width == 600


def test_awkward_pictures_each_get_a_sensible_result(content: Path, tmp_path: Path, caplog) -> None:
    cmyk = _save(content, "cmyk.jpg", Image.new("CMYK", (1000, 800), (0, 200, 200, 0)), format="JPEG")
    deep = _save(content, "deep.png", Image.new("I;16", (900, 600), 40000), format="PNG")
    pixel = _save(content, "pixel.png", Image.new("RGB", (1, 1), "red"), format="PNG")
    panorama = _save(content, "panorama.jpg", Image.new("RGB", (20000, 100), "navy"), format="JPEG")
    clear = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    clear.paste((0, 128, 0, 255), (0, 0, 400, 600))
    transparent = _save(content, "clear.png", clear, format="PNG")
    frames = [Image.new("RGB", (300, 200), colour) for colour in ("red", "green", "blue")]
    animated = "images/moving.gif"
    frames[0].save(content / animated, save_all=True, append_images=frames[1:], duration=100)
    (content / "images" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    sources = [cmyk, deep, pixel, panorama, transparent, animated, "images/broken.jpg"]

    with caplog.at_level(logging.WARNING):
        store = _made(
            content, tmp_path / "store", dict.fromkeys(sources, STORY), [*PAGE_RECIPES, WECHAT_BANNER]
        )

    assert _derived(store, cmyk, RESPONSIVE[0]).mode == "RGB"
    assert _derived(store, cmyk, RESPONSIVE[0]).getpixel((10, 10))[0] > 200  # cyan-free red channel stays
    grey = _derived(store, deep, FALLBACK).convert("L").getpixel((10, 10))
    assert 140 < grey < 170  # 40000 of 65535 is about 156 of 255, not clipped to white
    assert [(v.width, v.height) for v in store.photo(pixel).widths(RESPONSIVE)] == [(1, 1)]
    assert [(v.width, v.height) for v in store.photo(panorama).widths(RESPONSIVE)] == [
        (480, 2),
        (720, 4),
        (1080, 5),
        (1440, 7),
    ]
    webp = _derived(store, transparent, RESPONSIVE[0])
    assert webp.mode == "RGBA" and webp.getpixel((470, 10))[3] == 0  # transparency kept
    assert _derived(store, transparent, FALLBACK).getpixel((700, 10)) == (255, 255, 255)  # JPEG: on white
    assert _derived(store, cmyk, WECHAT_BANNER).size == (900, 383)
    moving = store.photo(animated)
    assert (moving.width, moving.height, moving.variants) == (300, 200, {})  # shown as it is, still moving
    broken = store.photo("images/broken.jpg")
    assert broken.variants == {} and broken.width == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert STORY in warnings[0] and "images/broken.jpg" in warnings[0]


def test_made_once_for_two_stories_and_kept_for_the_next_build(content: Path, tmp_path: Path) -> None:
    source = _save(content, "shared.jpg", Image.new("RGB", (2000, 1500), "teal"), format="JPEG")
    copy = content / "images" / "copy.jpg"
    copy.write_bytes((content / source).read_bytes())
    store_dir = tmp_path / "store"
    first = _made(content, store_dir, {source: STORY, "images/copy.jpg": "stories/other.md"})
    # The same bytes under two names: one set of derived files, shared.
    assert first.photo(source).variants == first.photo("images/copy.jpg").variants
    files = sorted(p for p in store_dir.rglob("*") if p.is_file())
    assert len(files) == len(PAGE_RECIPES) + 1  # the derived pictures and one description
    times = {path: path.stat().st_mtime_ns for path in files}

    second = _made(content, store_dir, {source: STORY})  # a cold build: nothing made again
    assert {path: path.stat().st_mtime_ns for path in files} == times
    assert second.photo(source) == first.photo(source)
    for variant in second.photo(source).variants.values():  # the bytes noted are the files' own
        assert variant.length == (store_dir / variant.path.removeprefix("photos/")).stat().st_size

    # A description without the pictures' bytes (written before they were noted there) gets them.
    (description,) = store_dir.rglob("*.json")
    noted = json.loads(description.read_text(encoding="utf-8"))
    description.write_text(json.dumps({**noted, "lengths": {}}), encoding="utf-8")
    assert _made(content, store_dir, {source: STORY}).photo(source) == first.photo(source)
    assert json.loads(description.read_text(encoding="utf-8")) == noted

    Image.new("RGB", (2000, 1500), "orange").save(content / source, "JPEG")  # a changed photo
    third = _made(content, store_dir, {source: STORY})
    assert third.photo(source).variant(LARGE).path != first.photo(source).variant(LARGE).path
    third.prune()  # what this build did not use goes; copy.jpg's files go with the old photo's
    assert not any(store_dir.rglob(Path(first.photo(source).variant(LARGE).path).name))


def test_a_rebuild_recalls_what_the_last_build_described(content: Path, tmp_path: Path) -> None:
    source = _save(content, "kept.jpg", Image.new("RGB", (2000, 1500), "navy"), format="JPEG")
    store_dir, cache = tmp_path / "store", tmp_path / "cache"
    first = _made(content, store_dir, {source: STORY}, cache=cache)
    # A description the rebuild would have to read is spoiled: the photo is recalled without it.
    (description,) = store_dir.rglob("*.json")
    description.write_text("spoiled", encoding="utf-8")
    recalled = _made(content, store_dir, {source: STORY}, cache=cache)
    assert recalled.photo(source) == first.photo(source)
    assert description.read_text(encoding="utf-8") == "spoiled"
    # Asked for more recipes, the photo is described again, and its description mended.
    more = _made(content, store_dir, {source: STORY}, (*PAGE_RECIPES, WECHAT_BANNER), cache=cache)
    assert more.photo(source).variant(WECHAT_BANNER) is not None
    assert json.loads(description.read_text(encoding="utf-8"))["width"] == 2000

    # A derived picture gone from the store is made again, not recalled.
    large = store_dir / first.photo(source).variant(LARGE).path.removeprefix("photos/")
    large.unlink()
    assert _made(content, store_dir, {source: STORY}, cache=cache).photo(source) == first.photo(source)
    assert large.is_file()

    # A changed photo under the same name gets a new description, not the one recalled.
    Image.new("RGB", (1500, 2000), "navy").save(content / source, "JPEG")
    changed = _made(content, store_dir, {source: STORY}, cache=cache).photo(source)
    assert (changed.width, changed.height) == (1500, 2000)
    assert changed.length == (content / source).stat().st_size

    # A cache written by other code is not trusted: every photo is described from the store.
    (cache / "photos-described.pickle").write_bytes(b"not a pickle")
    assert _made(content, store_dir, {source: STORY}, cache=cache).photo(source) == changed


def test_derived_bytes_are_the_same_on_every_run(content: Path, tmp_path: Path) -> None:
    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    source = _save(content, "noise.jpg", noise, format="JPEG", quality=90)
    one = _made(content, tmp_path / "one", {source: STORY}, workers=1)
    _made(content, tmp_path / "two", {source: STORY}, workers=2)
    for recipe in PAGE_RECIPES:
        path = one.photo(source).variant(recipe).path.removeprefix("photos/")
        assert (tmp_path / "one" / path).read_bytes() == (tmp_path / "two" / path).read_bytes()


def test_output_folder_gets_the_used_pictures_only(content: Path, tmp_path: Path) -> None:
    source = _save(content, "a.png", Image.new("RGB", (800, 600), "gold"), format="PNG")
    store = _made(content, tmp_path / "store", {source: STORY})
    output = tmp_path / "output"
    (output / "photos" / "zz").mkdir(parents=True)
    (output / "photos" / "zz" / "old.webp").write_bytes(b"from an earlier build")
    store.copy_to(output)
    written = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    assert written == store.used()
    assert io.BytesIO((output / store.photo(source).variant(LARGE).path).read_bytes()).getbuffer().nbytes > 0


def test_a_page_sees_a_new_digest_whenever_a_photo_it_shows_changes() -> None:
    def photo(**changes) -> Photo:
        large = Variant("photos/ab/ab12.jpg", 1440, 1080, 250_000, "image/jpeg")
        return replace(
            Photo("images/a.jpg", 4032, 3024, "image/jpeg", 3_200_000, {"jpeg-1440": large}), **changes
        )

    digest = Describer().describe(photo())
    assert Describer().describe(photo()) == digest  # built again, the same record
    other = Variant("photos/cd/cd34.jpg", 1440, 1080, 250_000, "image/jpeg")
    for changed in (
        {"source": "images/b.jpg"},
        {"width": 3024},
        {"length": 3_100_000},
        {"variants": {}},
        {"variants": {"jpeg-1440": other}},
        {"variants": {"jpeg-720": photo().variants["jpeg-1440"]}},
    ):
        assert Describer().describe(photo(**changed)) != digest, changed


def test_photos_started_with_the_build_are_those_made_when_asked(content: Path, tmp_path: Path) -> None:
    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    source = _save(content, "early.jpg", noise, format="JPEG", quality=90)
    unshown = _save(content, "unshown.png", Image.new("RGB", (40, 30), "red"))
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "notes.txt").write_text("not a picture", encoding="utf-8")
    plain = _made(content, tmp_path / "plain", {source: STORY})
    early = PhotoStore(tmp_path / "early", content, tmp_path / "cache")
    early.start(PAGE_RECIPES, workers=1)
    # Made in the background, before anything is asked for: the store fills with the page's pictures.
    names = {Path(v.path).name for v in plain.photo(source).variants.values()}
    deadline = time.monotonic() + 60
    while {path.name for path in (tmp_path / "early").rglob("*.*")} < names:
        assert time.monotonic() < deadline, "nothing made in the background"
        time.sleep(0.05)
    early.ask(source, (*PAGE_RECIPES, WECHAT_BANNER), STORY)  # a recipe more than was started
    early.make(1)
    early.prune()
    photo = early.photo(source)
    assert replace(photo, variants={}) == replace(plain.photo(source), variants={})
    for recipe in PAGE_RECIPES:
        assert photo.variant(recipe) == plain.photo(source).variant(recipe)
        path = photo.variant(recipe).path.removeprefix("photos/")
        assert (tmp_path / "early" / path).read_bytes() == (tmp_path / "plain" / path).read_bytes()
    # What the start noted, every picture under content/, is kept: the next build hashes none of them
    # again, nor makes again the picture no story showed (pruned, as it was not used).
    stamps = json.loads((tmp_path / "cache" / "photos-sources.json").read_text(encoding="utf-8"))
    assert sorted(stamps) == sorted([source, unshown])
    banner = photo.variant(WECHAT_BANNER)
    assert banner.length == (tmp_path / "early" / banner.path.removeprefix("photos/")).stat().st_size


def test_photos_started_with_the_build_are_made_at_a_lower_priority_than_the_build(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _save(content, "new.jpg", Image.new("RGB", (900, 600), "teal"), format="JPEG")
    priorities = tmp_path / "priorities"
    make = photo_store._probe_and_make

    def noting_priority(task: tuple) -> tuple:
        with priorities.open("a", encoding="utf-8") as file:
            file.write(f"{os.nice(0)}\n")  # the encoder's nice value, written from the forked process
        return make(task)

    monkeypatch.setattr(photo_store, "_probe_and_make", noting_priority)
    store = PhotoStore(tmp_path / "store", content, tmp_path / "cache")
    store.start(PAGE_RECIPES, workers=1)
    store.ask(source, PAGE_RECIPES, STORY)
    store.make(1)
    assert store.photo(source).variant(FALLBACK) is not None
    lowered = min(19, os.nice(0) + photo_store.ENCODER_NICENESS)  # 19: the lowest priority there is
    assert priorities.read_text(encoding="utf-8").split() == [str(lowered)]
