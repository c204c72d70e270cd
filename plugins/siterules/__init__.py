"""The rules every plugin, tool, template and deploy/ file shares, each written once: the public
address (address.py), the time zone (clock.py), writing and removing output files (files.py).
register() gives the templates what they need of them as Jinja globals.
"""

from pelican import Pelican, signals

from .address import public_siteurl


def _add_globals(pelican: Pelican) -> None:
    settings = pelican.settings
    shared = {
        # The canonical and sharing addresses ("" in a local build without PUBLIC_SITEURL).
        "public_siteurl": public_siteurl(settings),
    }
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), **shared}


def register() -> None:
    signals.initialized.connect(_add_globals)
