"""The store of derived photos: every picture a story shows, in the sizes its consumers ask for,
made once and kept between builds (and after `make clean`).

A derived picture's name is a digest of the source's bytes, the recipe's output (format, quality,
size) and the encoder's version (`recipes.ENCODER`), and nothing else: editing a template, a
plugin or a setting never re-encodes a photo, and a changed photo gets new names (so browsers and
CDNs may cache every name for ever). The store is a folder of those files plus one small JSON file
per source with its upright size; the output folder gets a copy of the ones this build uses.
"""

import contextlib
import functools
import hashlib
import json
import logging
import math
import multiprocessing
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from siterules.files import files_under, link_or_copy, remove_files
from siterules.folders import PHOTOS_FOLDER
from siterules.processes import Forked

from .recipes import ENCODER, Recipe, encode, scale_needed, upright

log = logging.getLogger(__name__)

OUTPUT_FOLDER = PHOTOS_FOLDER  # derived pictures in the output folder: photos/<xx>/<name>.<ext>
# Under CACHE_PATH: (size, mtime) -> sha256 of each source; and the last builds' Photo records, so
# that a rebuild reads no description and hashes no name for a photo it has described before.
STAMPS_FILE = "photos-sources.json"
DESCRIBED_FILE = "photos-described.pickle"
# How much lower than the build's the priority of `start`'s encoders is (a process's nice value).
ENCODER_NICENESS = 10
# What `start` looks at under content/: the picture formats Pillow reads (anything else a story shows
# is asked for, and warned about, when the pages are sized).
PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff", ".bmp"})
# One format string per kind of problem, so the build log can count repeats (plugins/buildlog).
UNREADABLE = (
    "稿件 %s 的图片 %s 无法读取（%s），网页上按原样只显示一种尺寸：请换成 JPEG 或 PNG 图片。"
    "(cannot be read as a picture)"
)
OVER_LIMIT = (
    "稿件 %s：%s（由 %s 做成）即使用最低的 JPEG 质量也超过 %d 字节：请换一张尺寸小一些的图片。"
    "(over the byte limit even at the lowest JPEG quality)"
)


@dataclass(frozen=True, slots=True)  # one per derived picture: 100,000 at 10,000 stories
class Variant:
    """One derived picture as consumers link it."""

    path: str  # site-relative, e.g. "photos/3f/3fa2….webp"
    width: int
    height: int
    length: int  # bytes
    mime: str

    def cache_key(self) -> str:
        """What a page can show of it, for plugins/fastbuild's digests: the name stands for the bytes."""
        return self.path

    def __reduce__(self) -> tuple:  # pickled by position: 2.5 times faster than by field names
        return Variant, (self.path, self.width, self.height, self.length, self.mime)


@dataclass(frozen=True, slots=True)
class Photo:
    """A source picture under content/ and its derived pictures (none when it is animated or
    cannot be read: consumers then use the source as it is)."""

    source: str  # relative to content/, e.g. "images/submissions/41d2….jpg"
    width: int  # upright; 0 when unknown
    height: int
    mime: str
    length: int  # the source's bytes (查看原图, feeds' media:content)
    variants: dict[str, Variant] = field(default_factory=dict)  # by recipe name

    def cache_key(self) -> str:
        """What a page can show of it, for plugins/fastbuild's digests (one string, not 40 fields)."""
        shown = " ".join(f"{name}={variant.path}" for name, variant in self.variants.items())
        return f"{self.source} {self.width}x{self.height} {self.mime} {self.length} {shown}"

    def __reduce__(self) -> tuple:
        return Photo, (self.source, self.width, self.height, self.mime, self.length, self.variants)

    def variant(self, recipe: Recipe) -> Variant | None:
        return self.variants.get(recipe.name)

    def widths(self, recipes: Iterable[Recipe]) -> list[Variant]:
        """The distinct sizes of `recipes` (a small source makes several recipes the same size)."""
        found = {v.width: v for r in recipes if (v := self.variants.get(r.name))}
        return [found[width] for width in sorted(found)]


def variant_name(digest: str, recipe: Recipe, width: int, height: int) -> str:
    key = hashlib.sha256(f"{digest} {recipe.spec(width, height)} {ENCODER}".encode()).hexdigest()[:24]
    return f"{key[:2]}/{key}{recipe.extension}"


def _store_name(path: str) -> str:
    """A derived picture's name in the store, from its site-relative path."""
    return path.removeprefix(f"{OUTPUT_FOLDER}/")


def _stamp(status: os.stat_result) -> str:
    """What tells a source unchanged since the last build without reading it."""
    return f"{status.st_size} {status.st_mtime_ns}"


def _stamped_size(stamp: str) -> int:
    return int(stamp.split()[0])


def _replace_file(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all: a build interrupted midway never leaves half a picture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _probe_and_make(task: tuple[str, str, str, tuple[Recipe, ...]]) -> tuple[str, dict, list[str]]:
    """In a worker: read the source once and make the recipes missing from the store. Returns the
    digest, the source's description (with the bytes of each picture it made, under "lengths") and
    the recipes that broke their byte limit."""
    source, digest, store, recipes = task
    try:
        with Image.open(source) as opened:
            stored_width, stored_height = opened.size
            turned = opened.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: a quarter turn
            width, height = (stored_height, stored_width) if turned else (stored_width, stored_height)
            info = {
                "mime": Image.MIME.get(opened.format or "", "application/octet-stream"),
                "width": width,
                "height": height,
                "animated": bool(getattr(opened, "is_animated", False)),
                "lengths": {},
            }
            if info["animated"]:
                return digest, info, []  # a still frame would lose the animation: pages show the file
            missing = [
                r for r in recipes if not (Path(store) / variant_name(digest, r, width, height)).exists()
            ]
            if not missing:
                return digest, info, []
            if opened.format == "JPEG":
                # Decoded at 1/2, 1/4 or 1/8 scale when that still covers the largest recipe: much faster.
                scale = max(scale_needed(r, width, height) for r in missing)
                opened.draft("RGB", (math.ceil(stored_width * scale), math.ceil(stored_height * scale)))
            picture = upright(opened)
            over = []
            resized: dict = {}
            for recipe in missing:
                data = encode(picture, recipe, recipe.size_for(width, height), resized)
                if recipe.max_bytes and len(data) >= recipe.max_bytes:
                    over.append(recipe.name)
                name = variant_name(digest, recipe, width, height)
                _replace_file(Path(store) / name, data)
                info["lengths"][name] = len(data)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        return digest, {"error": str(error) or type(error).__name__}, []
    return digest, info, over


class PhotoStore:
    """Derived photos for one build. Consumers `ask` for a source and recipes (naming the story, for
    warnings), then `make` makes what is missing on every core, then `photo` answers."""

    def __init__(self, folder: Path, content_dir: Path, cache_dir: Path | None = None) -> None:
        self.folder = folder
        self.content_dir = content_dir
        self.stamps_file = cache_dir / STAMPS_FILE if cache_dir else None
        self.described_file = cache_dir / DESCRIBED_FILE if cache_dir else None
        # Most sources are asked for one of a few sets of recipes: one frozenset of each is kept.
        self._asked: dict[str, frozenset[Recipe]] = {}
        self._recipe_sets: dict[frozenset[Recipe], frozenset[Recipe]] = {}
        self._stories: dict[str, str] = {}  # source -> first story that asked, for warnings
        self._photos: dict[str, Photo] = {}
        self._by_variant: dict[str, Photo] = {}
        self._undescribed: set[str] = set()  # sources asked for something new since the last make
        self._digest_of: dict[str, str] = {}  # source -> sha256 of its bytes
        self._stamps: dict | None = None  # the sources' stamps the last build noted
        self._listing: set[str] | None = None  # the store's files while making, relative to its folder
        # (source, recipes asked) -> (the source's digest, its Photo), from the last build and this one
        self._described_before: dict[tuple[str, frozenset[Recipe]], tuple[str, Photo]] | None = None
        self._described: dict[tuple[str, frozenset[Recipe]], tuple[str, Photo]] = {}
        self._described_anew = False
        self._started: Forked | None = None  # noting and making new photos in the background (start)
        self._copying: Forked | None = None  # linking this build's pictures into the output (start_copy_to)

    def ask(self, source: str, recipes: Iterable[Recipe], story: str) -> None:
        asked = self._asked.get(source, frozenset())
        wanted = asked.union(recipes)
        if wanted != asked:
            self._asked[source] = self._recipe_sets.setdefault(wanted, wanted)
        if wanted != asked or source not in self._photos:
            self._undescribed.add(source)
        self._stories.setdefault(source, story)

    def photo(self, source: str) -> Photo | None:
        """The photo at `source` (relative to content/) once made; None if no consumer asked for it."""
        return self._photos.get(source)

    def photo_of_variant(self, path: str) -> Photo | None:
        """The photo that the derived picture at site-relative `path` was made from."""
        return self._by_variant.get(path)

    def photos(self) -> list[Photo]:
        return [self._photos[source] for source in sorted(self._photos)]

    def _digests(self, sources: Iterable[str]) -> dict[str, str]:
        """sha256 of each source, read again only when its size or modification time changed since
        the build that noted it; a missing file has none."""
        self._load_stamps()
        digests = {}
        for source in sources:
            if source in self._noted:  # noted before in this build (by `start`, or an earlier make)
                digests[source] = self._noted[source][1]
                continue
            try:
                status = (self.content_dir / source).stat()
            except OSError:
                continue
            stamp = _stamp(status)
            entry = self._stamps.get(source)
            if not (isinstance(entry, list) and entry[0] == stamp):
                try:
                    entry = [stamp, hashlib.sha256((self.content_dir / source).read_bytes()).hexdigest()]
                except OSError:  # a folder, or unreadable
                    continue
                self._hashed.add(source)
            self._noted[source] = entry
            digests[source] = entry[1]
        return digests

    def _load_stamps(self) -> None:
        if self._stamps is not None:
            return
        try:
            text = self.stamps_file.read_text(encoding="utf-8") if self.stamps_file else "{}"
            self._stamps = json.loads(text)
        except (OSError, ValueError):
            self._stamps = {}
        self._stamps_saved = self._stamps  # what the file holds
        self._noted: dict[str, list[str]] = {}
        self._hashed: set[str] = set()  # sources new or changed since the last build

    def _save_stamps(self) -> None:
        if self.stamps_file and self._noted != self._stamps_saved:
            with contextlib.suppress(OSError):  # only a speed-up
                _replace_file(self.stamps_file, json.dumps(self._noted, sort_keys=True).encode())
            self._stamps_saved = dict(self._noted)

    def _info_name(self, digest: str) -> str:
        return f"{digest[:2]}/{digest}.json"

    def _read_info(self, digest: str) -> dict | None:
        try:
            info = json.loads((self.folder / self._info_name(digest)).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        valid = isinstance(info, dict) and info.get("encoder") == ENCODER
        return {"lengths": {}, **info} if valid else None

    def _write_info(self, digest: str, info: dict) -> None:
        data = json.dumps({**info, "encoder": ENCODER}, sort_keys=True).encode()
        _replace_file(self.folder / self._info_name(digest), data)
        self._files().add(self._info_name(digest))

    def _files(self) -> set[str]:
        """The store's files, listed once per `make` (a listing, not a stat per picture) and kept
        current as pictures are made; let go afterwards (at 10,000 stories, 8 MB of names)."""
        if self._listing is None:
            self._listing = files_under(self.folder)
        return self._listing

    def make(self, workers: int = 0) -> None:
        """Make every asked recipe missing from the store, one source per task on `workers` processes
        (0: every core), then describe the photos asked for since the last call."""
        made_early = self._join_start()
        pending, self._undescribed = sorted(self._undescribed), set()
        if not pending:
            return
        digests = self._digests(pending)
        self._save_stamps()
        self._digest_of.update(digests)
        stored = self._files()
        infos: dict[str, dict] = {}
        over_limit: dict[str, list[str]] = {}
        made = set()
        for digest, info, over in made_early:
            stored.update(info.get("lengths", ()))
            infos[digest], over_limit[digest] = info, over
            made.add(digest)
        wanted: dict[str, tuple[str, set[Recipe]]] = {}  # digest -> a source with it, every recipe asked
        recalled = {}
        for source in pending:
            if source not in digests:
                continue
            if photo := self._recalled(source, digests[source], stored):
                recalled[source] = photo
            else:
                recipes = wanted.setdefault(digests[source], (source, set()))[1]
                recipes |= self._asked[source]
        tasks = []
        for digest, (source, recipes) in sorted(wanted.items()):
            info = infos.get(digest) or self._read_info(digest)
            if info is not None and "error" in info:
                continue
            if info is not None and (
                info["animated"]
                or all(variant_name(digest, r, info["width"], info["height"]) in stored for r in recipes)
            ):
                infos[digest] = info
                continue
            tasks.append(self._task(source, digest, recipes))
        for digest, info, over in self._run(tasks, workers):
            stored.update(info.get("lengths", ()))
            if "lengths" in info and "lengths" in infos.get(digest, {}):
                info["lengths"] = {**infos[digest]["lengths"], **info["lengths"]}
            infos[digest] = info
            over_limit[digest] = over_limit.get(digest, []) + over
            made.add(digest)
        for digest, (_, recipes) in wanted.items():
            info = infos[digest]
            if "error" in info:
                continue
            # A picture's bytes, for feeds' enclosures, kept with its source's description: a
            # rebuild reads one small file per photo instead of a stat per derived picture.
            lengths = info["lengths"]
            unnoted = {
                name for r in recipes if not info["animated"]
                and (name := variant_name(digest, r, info["width"], info["height"])) not in lengths
            }  # fmt: skip
            for name in unnoted:
                lengths[name] = (self.folder / name).stat().st_size
            if unnoted or digest in made:
                self._write_info(digest, info)
        for source in pending:  # in one order in every build: sources with the same bytes share pictures
            if source in recalled:
                self._keep(recalled[source], digests[source])
            else:
                self._describe(source, digests.get(source), infos, over_limit)
        self._described_anew = self._described_anew or len(recalled) < len(pending)
        self._listing = None

    def remember(self) -> None:
        """Keep this build's photo records for the next one (once, after its last `make`: at 10,000
        stories the file takes a fifth of a second to write)."""
        if self._described_anew and self.described_file:
            with contextlib.suppress(OSError):  # only a speed-up
                _replace_file(self.described_file, pickle.dumps((ENCODER, self._described), protocol=5))
            self._described_anew = False

    def start(self, recipes: Iterable[Recipe], workers: int = 0) -> None:
        """As the build starts, in a forked process beside it: note every picture under content/ (its
        digest, hashed only when new or changed since the last build), and make `recipes` for the
        pictures the store has never described (a story just added, with its photos). The build's
        own reading of the stories mostly keeps one core busy: the other hashes and encodes, and
        `make` then finds the work done. A picture the store knows is left to `make`, as is
        anything asked for later (a lead photo's thumbnail, a WeChat cover)."""
        if self._started is None:
            self._started = Forked(functools.partial(self._survey, tuple(recipes), workers))

    def _survey(self, recipes: tuple[Recipe, ...], workers: int) -> tuple:
        """In the started process: what `start` says; returns the notes and the pictures made."""
        pictures = sorted(
            name for name in files_under(self.content_dir) if Path(name).suffix.lower() in PICTURE_SUFFIXES
        )
        new: dict[str, str] = {}  # digest -> the first picture with those bytes
        for source, digest in self._digests(pictures).items():
            if source in self._hashed and not (self.folder / self._info_name(digest)).exists():
                new.setdefault(digest, source)
        tasks = [self._task(source, digest, recipes) for digest, source in sorted(new.items())]
        if tasks:
            # The build is busy meanwhile (reading the stories, then its parallel steps on every
            # core) and waits for every step it starts: the encoders take the time it leaves, not
            # half of it (a one-story rebuild with six phone photos at 10,000 stories: a second).
            with contextlib.suppress(OSError):
                os.nice(ENCODER_NICENESS)
        return self._noted, self._run(tasks, workers)

    def _join_start(self) -> list[tuple[str, dict, list[str]]]:
        """Wait for `start`'s process, if any, and take over its notes; returns what it made."""
        started, self._started = self._started, None
        if started is None:
            return []
        noted, made = started.result()
        self._load_stamps()
        self._noted.update(noted)
        return made

    def _task(self, source: str, digest: str, recipes: Iterable[Recipe]) -> tuple:
        """What `_probe_and_make` takes: one source, its recipes in one order in every build."""
        ordered = tuple(sorted(recipes, key=lambda r: r.name))
        return str(self.content_dir / source), digest, str(self.folder), ordered

    def _recalled(self, source: str, digest: str, stored: set[str]) -> Photo | None:
        """The Photo a build described for the same bytes and recipes, if its pictures are still in
        the store: no description to read, no name to hash (at 10,000 stories, a second a rebuild)."""
        if self._described_before is None:
            self._described_before = self._load_described()
        key = (source, self._asked[source])
        digest_then, photo = self._described_before.get(key, ("", None))
        if photo is None or digest_then != digest:
            return None
        return photo if all(_store_name(v.path) in stored for v in photo.variants.values()) else None

    def _load_described(self) -> dict:
        if not self.described_file:
            return {}
        try:
            with self.described_file.open("rb") as file:
                encoder, described = pickle.load(file)
        except (OSError, EOFError, ImportError, AttributeError, TypeError, ValueError, pickle.PickleError):
            return {}  # none yet, or written by other code: every photo is described again
        return described if encoder == ENCODER else {}

    def _keep(self, photo: Photo, digest: str) -> None:
        self._photos[photo.source] = photo
        self._described[(photo.source, self._asked[photo.source])] = (digest, photo)
        for variant in photo.variants.values():
            self._by_variant[variant.path] = photo

    def _run(self, tasks: list, workers: int) -> Iterable[tuple[str, dict, list[str]]]:
        workers = min(workers or os.cpu_count() or 1, len(tasks))
        if workers <= 1:
            return [_probe_and_make(task) for task in tasks]
        # Forked, as fastbuild's workers: nothing to import again; each task is one source.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return list(pool.imap_unordered(_probe_and_make, tasks))

    def _describe(self, source: str, digest: str | None, infos: dict, over_limit: dict) -> None:
        story = self._stories[source]
        info = infos.get(digest or "", {"error": "no such file"})
        length = _stamped_size(self._noted[source][0]) if digest else 0
        if "error" in info:
            log.warning(UNREADABLE, story, source, info["error"])
            self._photos[source] = Photo(source, 0, 0, "", length)
            return
        for recipe in over_limit.get(digest, ()):
            log.warning(OVER_LIMIT, story, recipe, source, 1_000_000)
        width, height = info["width"], info["height"]
        variants = {}
        if not info["animated"]:
            for recipe in sorted(self._asked[source], key=lambda r: r.name):  # one order in every build
                name = variant_name(digest, recipe, width, height)
                size = recipe.size_for(width, height)
                variants[recipe.name] = Variant(
                    f"{OUTPUT_FOLDER}/{name}", size[0], size[1], info["lengths"][name], recipe.mime
                )
        self._keep(Photo(source, width, height, info["mime"], length, variants), digest)

    def data(self, variant: Variant) -> bytes:
        """The bytes of a derived picture of this build."""
        return (self.folder / _store_name(variant.path)).read_bytes()

    def used(self) -> set[str]:
        """Site-relative paths of every derived picture this build uses."""
        return {v.path for photo in self._photos.values() for v in photo.variants.values()}

    def _used_names(self) -> set[str]:
        return {_store_name(path) for path in self.used()}

    def copy_to(self, output_dir: Path) -> None:
        """Put this build's derived pictures into the output folder, linked to the store's (a name never
        changes its bytes, so one already there is left alone), and remove the ones it no longer uses."""
        folder = output_dir / OUTPUT_FOLDER
        used, present = self._used_names(), files_under(folder)
        for name in sorted(used - present):
            link_or_copy(self.folder / name, folder / name)
        remove_files(folder, present - used)

    def start_copy_to(self, output_dir: Path) -> None:
        """`copy_to` in a forked process beside the rest of the build (at 10,000 stories, 70,000 links
        made one system call at a time); `prune` waits for it."""
        self._copying = Forked(functools.partial(self.copy_to, output_dir))

    def prune(self) -> None:
        """Remove from the store what this build did not use (a replaced or deleted photo, an old
        recipe or encoder), keeping the descriptions of the sources it did."""
        copying, self._copying = self._copying, None
        if copying is not None:
            copying.result()
        self._join_start()  # in a build that made nothing: what it noted is kept all the same
        unmade = [source for source in self._asked if source not in self._digest_of]
        digests = [*self._digest_of.values(), *self._digests(unmade).values()]
        self._save_stamps()
        keep = self._used_names() | {self._info_name(digest) for digest in digests}
        remove_files(self.folder, files_under(self.folder) - keep)
