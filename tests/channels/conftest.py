"""Shared fixtures for the channels tests."""

from collections.abc import Callable

import pytest
from channel_items import make_item as make_feed_item
from channels.model import FeedItem


@pytest.fixture
def make_item() -> Callable[..., FeedItem]:
    """A FeedItem for a plain sample story; keyword arguments replace any field."""
    return make_feed_item
