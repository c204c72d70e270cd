"""Proofreading for 错敏字: every story checked against the office's word list as it is read, and a
report on every build naming file, line, the text around each hit and the advice."""

import logging
import os
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.contents import Content

from .checking import HITS_KEY, Proofread, add_to_markdown
from .matching import Matcher
from .report import Report, accepted_forms
from .wordlist import load_word_list

DEFAULT_SETTINGS: dict[str, Any] = {
    # The office's word list, relative to the content folder (PATH); "" turns the check off.
    "PROOFREADING_LIST": "proofreading.tsv",
    # Front-matter fields readers see, checked like the story's text.
    "PROOFREADING_FIELDS": ("title", "summary", "org", "wechat_author", "wechat_digest", "weibo_text"),
    # True (publishconf.py): a 严重 hit is an error, so `make publish` stops; False: a warning.
    "PROOFREADING_STRICT": False,
    # Every hit of the last build, under CACHE_PATH.
    "PROOFREADING_REPORT_FILE": "proofreading.txt",
}
logger = logging.getLogger(__name__)
_report = Report()
_report_file: dict[int, Path] = {}


def _load(pelican: Pelican) -> None:
    settings = pelican.settings
    for key, value in DEFAULT_SETTINGS.items():
        settings.setdefault(key, value)
    _report.reset()
    _report_file[id(settings)] = Path(settings["CACHE_PATH"]) / settings["PROOFREADING_REPORT_FILE"]
    if not settings["PROOFREADING_LIST"]:
        return
    path = Path(settings["PATH"]) / settings["PROOFREADING_LIST"]
    word_list = load_word_list(path, os.path.relpath(path))
    for problem in word_list.problems:
        logger.error("%s", problem)
    # Its digest is a setting, so fastbuild's caches (keyed by the settings) start afresh when it changes.
    settings["PROOFREADING_DIGEST"] = word_list.digest
    add_to_markdown(settings, Proofread(Matcher(word_list.entries), tuple(settings["PROOFREADING_FIELDS"])))


def _report_story(content: Content) -> None:
    hits = content.metadata.pop(HITS_KEY, ())
    vars(content).pop(HITS_KEY, None)
    accepted = accepted_forms(content.metadata.get("proofread_ok"))
    if getattr(content, "status", "") == "draft" or not (hits or accepted):
        return
    strict = bool(content.settings.get("PROOFREADING_STRICT"))
    _report.report_story(content.relative_source_path, hits, accepted, strict)


def _summarize(pelican: Pelican) -> None:
    path = _report_file.get(id(pelican.settings))  # kept: `--autoreload` runs again without initialized
    if path is not None:
        _report.write(path)
    summary = _report.summary()
    if summary and path:
        relative = os.path.relpath(path)
        print(f"{summary}。全部列表：{path if relative.startswith('..') else relative}")
    _report.reset()


def register() -> None:
    signals.initialized.connect(_load)
    signals.content_object_init.connect(_report_story)
    signals.finalized.connect(_summarize)
