"""Settings for the public build: `make publish SITEURL=https://…`. Only what differs from local."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        "publishconf.py: set SITEURL to the public address, e.g. SITEURL=https://shzz.example.gov.cn"
    )
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
