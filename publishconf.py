"""Settings for the public build: `make publish SITEURL=https://…`. Only what differs from local."""

import os
import sys
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(__file__))

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        "publishconf.py: set SITEURL to the public address, e.g. SITEURL=https://shzz.example.gov.cn"
    )
# The government meta tag SiteDomain names the host the site is really published on.
SITE_DOMAIN = urlsplit(SITEURL).hostname
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
# A 严重 proofreading hit (plugins/proofreading) is an error: the public build must not go out with it.
PROOFREADING_STRICT = True
if SITE_REGISTRATION_PLACEHOLDERS:  # noqa: F405
    print(
        "publishconf.py: warning: the footer shows example 网站标识码, ICP备案号, 公安备案号 and phone; "
        "fill in the real ones in pelicanconf.py and set SITE_REGISTRATION_PLACEHOLDERS = False",
        file=sys.stderr,
    )
