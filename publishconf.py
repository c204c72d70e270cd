"""Settings for the public build (`make publish`): only what differs from local.

The public address is PUBLIC_SITEURL in pelicanconf.py; `make publish SITEURL=https://…` overrides it
for one build.
"""

import os
import sys
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(1, os.path.join(os.path.dirname(__file__), "plugins"))  # the shared rules

from siterules.address import is_public_address

from pelicanconf import *  # noqa: F403

SITEURL = (os.environ.get("SITEURL") or PUBLIC_SITEURL).rstrip("/")  # noqa: F405
if not is_public_address(SITEURL):
    raise SystemExit(
        f"错误：{SITEURL!r} 不是正式地址："
        "请在 pelicanconf.py 中把 PUBLIC_SITEURL 设为网站 https:// 开头的地址。"
        f"publishconf.py: {SITEURL!r} is not a public address; set PUBLIC_SITEURL in pelicanconf.py "
        "(or make publish SITEURL=https://shzz.example.gov.cn) to the site's https:// address"
    )
# The government meta tag SiteDomain names the host the site is really published on.
SITE_DOMAIN = urlsplit(SITEURL).hostname
RELATIVE_URLS = False
# `make publish` builds into a copy of the published folder (public.new/), so only what changed is
# written again; pages, feeds and search shards the site no longer has are removed by their plugins.
DELETE_OUTPUT_DIRECTORY = False
# The editors' WeChat preview pages (wechat/<slug>/index.html) are made by `make html` only: they are
# not part of the published site.
CHANNELS_WECHAT_PREVIEW_PAGES = False
# A 严重 proofreading hit (plugins/proofreading) is an error: the public build must not go out with it.
PROOFREADING_STRICT = True
if SITE_REGISTRATION_PLACEHOLDERS:  # noqa: F405
    print(
        "注意：页脚显示的网站标识码、ICP备案号、公安备案号和电话还是示例，请在 pelicanconf.py 中填上真实的，"
        "并设置 SITE_REGISTRATION_PLACEHOLDERS = False。\n"
        "publishconf.py: warning: the footer shows example 网站标识码, ICP备案号, 公安备案号 and phone; "
        "fill in the real ones in pelicanconf.py and set SITE_REGISTRATION_PLACEHOLDERS = False",
        file=sys.stderr,
    )
