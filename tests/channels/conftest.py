"""Shared fixtures for the channels tests."""

from collections.abc import Callable
from pathlib import Path

import pytest
from channel_items import make_item as make_feed_item
from channels.model import FeedItem
from site_build import PUBLIC_URL, Site, build, make_site


@pytest.fixture
def make_item() -> Callable[..., FeedItem]:
    """A FeedItem for a plain sample story; keyword arguments replace any field."""
    return make_feed_item


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Builds by name, made once per session: "local" and "local-again" of the same content with an
    empty SITEURL; "public" of the edited content (see EDITS) with SITEURL = PUBLIC_URL."""
    root = tmp_path_factory.mktemp("channels-site")
    content = {"local": make_site(root / "local"), "public": make_site(root / "public", edited=True)}
    outputs: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in outputs:
            output = root / f"output-{name}"
            if name == "public":
                build(content["public"], output, PUBLIC_URL)
            else:
                build(content["local"], output)
            outputs[name] = output
        return outputs[name]

    return get
