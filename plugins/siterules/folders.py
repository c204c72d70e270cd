"""Folders of the built site that more than one part of the project names: the plugins that write them,
the tools that check and upload them, deploy/nginx.conf that serves them, and pelicanconf.py (its
sitemap and robots.txt settings; tests/siterules checks those and nginx.conf against these names)."""

# Every feed and the OPML list (plugins/channels): served with the feed types, uploaded last.
FEEDS_FOLDER = "feeds"
# The editors' WeChat previews and covers (plugins/channels): local builds; never listed or indexed.
WECHAT_FOLDER = "wechat"
# The search index (plugins/search; SEARCH_INDEX_FOLDER may move it).
SEARCH_FOLDER = "search-index"
# Imported photos (tools/mailbox_import), named by their content's hash: a browser may keep them a year.
SUBMITTED_IMAGES_FOLDER = "images/submissions"
# Derived photos (plugins/photos), named by their source's and recipe's hash: a browser may keep them a year.
PHOTOS_FOLDER = "photos"
