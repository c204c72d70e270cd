"""Channel feeds: every feed the site publishes (media, client apps, WeChat, Weibo), from one model."""


def register() -> None:
    """Signals are wired as the channel writers land; the model is importable on its own."""
