"""Settings for local builds. Every setting an editor may change is here, with a comment.

Plugins keep their own defaults for anything not set here; `publishconf.py` changes only what
differs in the public build.
"""

from urllib.parse import urlsplit

# --- The site -------------------------------------------------------------------------------
SITENAME = "江苏社会组织战疫风采"
SITESUBTITLE = "社会组织参与疫情防控工作信息发布平台"
# The site's public address, in this one place: `make publish` builds for it (publishconf.py), and
# everything an editor copies into another channel carries it even in a local `make html` (WeChat
# 原文链接 and fragments, Weibo messages, every feed). `make publish SITEURL=https://…` overrides it once.
PUBLIC_SITEURL = "https://shzz.example.gov.cn"
SITEURL = ""  # local builds: the preview's own pages link relatively
RELATIVE_URLS = True
# The domain named in the government page meta tag SiteDomain (no scheme): the public address's host.
SITE_DOMAIN = urlsplit(PUBLIC_SITEURL).hostname
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE_FORMAT = "%Y年%-m月%-d日"
LOCALE = ("C.UTF-8",)

# The picture a shared link shows (Open Graph og:image) when a story has no Cover: a path under the
# site, a PNG or JPEG about 1200x630 (WeChat shows no SVG).
SHARE_IMAGE = "theme/images/share.png"

# --- Footer and government page metadata (政府网站网页元数据) ----------------------------------------
SITE_OWNER = "江苏省社会组织管理工作联席会议办公室"  # 主办单位
SITE_CONTACT_EMAIL = "jsmzshzz@163.com"  # 省级登记管理机关公开邮箱（通知第四部分）
SITE_CONTACT_PHONE = "025-00000000"  # 示例号码：上线前换成办公室的公开电话
SITE_ID_CODE = "3200000000"  # 网站标识码（示例，上线前换成真实标识码）
SITE_ICP = "苏ICP备00000000号"  # ICP备案号（示例）
SITE_PSB = "苏公网安备 32000000000000号"  # 公安备案号（示例）
# True while the four values above are still examples: `make publish` then warns that the footer
# would show them. Set False once the real ones are filled in.
SITE_REGISTRATION_PLACEHOLDERS = True

# --- Content --------------------------------------------------------------------------------
PATH = "content"
ARTICLE_PATHS = ["guidance", "stories", "submissions"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
# The originals (查看原图) are copied into output/ only when new or newer than the copy: at 10,000
# stories Pelican would otherwise copy every photo, 6 GB, on every build. A photo put back with an
# older time than its copy needs `make clean` (the derived sizes are named by their bytes, never stale).
STATIC_CHECK_IF_MODIFIED = True
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "工作动态"
# Stories get their own slug in front matter; the fallback uses the file name, never the title,
# so a retitled story keeps its address.
SLUGIFY_SOURCE = "basename"
# Stories per listing page (plugins/pagination): archive pages hold this many, counted from the
# oldest story, so they never change when stories are added; the first page holds the newest ones
# (between this many and twice this many). Changing it renumbers every archive page once.
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {
    "index": None,
    "tag": None,
    "category": None,
    "archives": None,
    "period_archives": None,
    "org_type": None,
    "region": None,
}
# The first page at the listing's address; archive page n at .../page/n/, page 1 holding the oldest.
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# --- Addresses ------------------------------------------------------------------------------
ARTICLE_URL = "stories/{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "stories/{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "category/"
CATEGORIES_SAVE_AS = "category/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
TAGS_URL = "tag/"
TAGS_SAVE_AS = "tag/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
MONTH_ARCHIVE_URL = "archives/{date:%Y}/{date:%m}/"
MONTH_ARCHIVE_SAVE_AS = "archives/{date:%Y}/{date:%m}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
# Drafts are never written, locally or publicly: an unfinished story must not be reachable.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives", "sitemap", "404"]
SITEMAP_SAVE_AS = "sitemap/index.html"
SITEMAP_URL = "sitemap/"

# --- Theme and plugins ------------------------------------------------------------------------
THEME = "theme"
# Templates escape every value unless marked |safe (only the rendered, sanitized story HTML is):
# a title, summary or organization name from a submission can never become markup.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}
PLUGIN_PATHS = ["plugins"]
# channels comes after taxonomy: it reuses taxonomy's vocabulary of organization types and regions.
PLUGINS = [
    # The rules every plugin, tool and template shares (the public address …), as Jinja globals.
    "siterules",
    # First, so that every other plugin sees stories without the control characters XML forbids.
    "controlchars",
    # Right after controlchars: checks the cleaned text against the word list as stories are read.
    "proofreading",
    # Every story's HTML through one allow-list as it is read: no script, event handler, javascript:
    # link, iframe, style or image from another host reaches a page or feed (a warning names the file).
    "sanitizer",
    "taxonomy",
    "accessibility",
    "pelican.plugins.neighbors",
    "pagination",
    "sitemap_xml",
    # After taxonomy (its vocabularies): the 数据统计 page and the column freshness warning.
    "statistics_page",
    # Every story picture in a few widths, made once and kept in PHOTOS_STORE, before any page is
    # rendered (plugins/photos); before channels, whose feeds, covers and Weibo take their pictures from it.
    "photos",
    "channels",
    # Imported stories an editor changed: the time of the edit, for the feeds (not the importer itself).
    "edit_times",
    "search",
    # Its end-of-build summary comes after every other plugin's warnings.
    "buildlog",
    # Last, so that it sees every other plugin's settings: reads and renders on every core and
    # skips pages whose inputs did not change (plugins/fastbuild/README.md).
    "fastbuild",
]
# sitemap.xml (plugins/sitemap_xml) lists public pages only: the editors' WeChat previews
# (wechat/<slug>/) and the 404 page stay out. Regular expressions on the page's address.
SITEMAP_XML_EXCLUDE = ["^wechat/", r"^404\.html$"]
# robots.txt (written with sitemap.xml) asks search engines to leave these folders alone: the
# editors' WeChat previews (and the search index, below).
ROBOTS_TXT_DISALLOW = ["wechat/"]
# The channels plugin writes every feed; Pelican's own feed writer stays off.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# --- Feeds (plugins/channels; addresses and the rest in plugins/channels/README.md) -------------
# Feeds and the editors' WeChat/Weibo outputs use absolute addresses: PUBLIC_SITEURL (above), also locally.
# Sample stories (Sample: true) are fictional: False keeps them out of every feed.
CHANNELS_INCLUDE_SAMPLES = True
# Newest stories per media feed (whole site, category, tag, organization type, region); 0 = all.
CHANNELS_FEED_LIMIT = 50
# Newest stories in the client-app feeds (JSON Feed and its RSS twin); 0 = all.
CHANNELS_APP_FEED_LIMIT = 50
# WeChat previews and covers, Weibo messages and the wechat/weibo feeds serve stories about to be
# posted: they are made for this many newest stories (by date) of each channel, not the whole
# archive. 100 is about two weeks of a province's submissions; 0 = every story (slow on a big site).
CHANNELS_RECENT_STORIES = 100
# Client apps want a wide lead image: the first image at least this many pixels wide.
CHANNELS_APP_MIN_IMAGE_WIDTH = 720
# Feed titles shown in readers (after the site name): the defaults are CHANNELS_FEED_TITLES in
# plugins/channels/links.py; set only the ones to change, e.g. CHANNELS_FEED_TITLES = {"site": "全部稿件"}.

# WeChat's and Weibo's limits (plugins/channels/README.md, defined once in the plugin): False reports
# a story that breaks one as a build warning; True stops the build instead.
CHANNELS_WECHAT_STRICT = False
CHANNELS_WEIBO_STRICT = False

# --- Mailbox import (tools/mailbox_import) -------------------------------------------------------
# `make import`: editors approve a submission by moving it into one of these mail
# folders; nothing inside a message can approve it. A name without "/" matches that folder at any depth.
# Always a list, even for one folder; nothing under Trash/已删除/垃圾邮件 and the like ever counts.
MAILBOX_APPROVED_FOLDERS = ["已采用"]
MAILBOX_CONTENT_DIR = "content/submissions"  # where imported stories are written
MAILBOX_IMAGES_DIR = "content/images/submissions"  # their photos, named by content hash
# The drop folder: .docx, .md or .txt files received through WeChat/QQ work groups; dropping a file here
# approves it, and `make import` turns it into a story like approved mail (never committed to git).
MAILBOX_INBOX_DIR = "inbox"
# Seconds one message's or file's conversion may take; one that runs longer is stopped and reported.
MAILBOX_CONVERT_TIMEOUT = 120
# SITE_CONTACT_EMAIL (above) is the public mailbox: it is never masked as personal data.

# `make fetch`: the approval folders straight from the mailbox over IMAP (read-only) into the Maildir at
# MAILBOX_EXPORT (README “用 make fetch 收信”). Each setting can also be given on the make command line or in
# the environment (make fetch IMAP_USER=…). The password or 163 authorization code (授权码) never goes
# here: the environment variable IMAP_PASSWORD, or a file outside the project named by IMAP_PASSWORD_FILE.
IMAP_HOST = ""  # "imap.163.com" for the 163 mailbox; empty: make fetch is not set up
IMAP_PORT = 993  # 993 with ssl; 143 with starttls
IMAP_USER = ""  # the mailbox's address, e.g. "jsmzshzz@163.com"
IMAP_SECURITY = "ssl"  # "ssl" (163) or "starttls"; "none" only for a server on this computer (tests)
IMAP_PASSWORD_FILE = ""  # e.g. "~/.config/shzz/imap-password", outside the project folder

# --- Search (plugins/search; details in plugins/search/README.md) --------------------------------
# Full-text search of story and page titles and bodies: every build brings the site's own static index
# in output/<SEARCH_INDEX_FOLDER>/ up to date (one new story rewrites a few small files). False writes
# no index and leaves out the 搜索 page (search/) and its menu link.
SEARCH_ENABLED = True
# The index's folder in the output; robots.txt (ROBOTS_TXT_DISALLOW above) keeps search engines out.
SEARCH_INDEX_FOLDER = "search-index"
ROBOTS_TXT_DISALLOW = [*ROBOTS_TXT_DISALLOW, f"{SEARCH_INDEX_FOLDER}/"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
if SEARCH_ENABLED:
    DIRECT_TEMPLATES = [*DIRECT_TEMPLATES, "search"]

# --- Proofreading for 错敏字 (plugins/proofreading) ----------------------------------------------
# The office's word list, relative to content/: wrong form, right form or advice, 严重 or 一般, note
# (tab-separated). Every build reports each hit with file, line and advice; a 严重 hit stops
# `make publish` (PROOFREADING_STRICT in publishconf.py). A story accepts a reviewed hit with
# `Proofread_ok: 写法1, 写法2` in its front matter. "" turns the check off.
PROOFREADING_LIST = "proofreading.tsv"

# --- 数据统计 (plugins/statistics_page) ------------------------------------------------------------
# The statistics page (charts, tables, CSV) and the build warning for a news column (工作动态,
# 经验做法, 先进典型) whose newest story is older than this many days, the national check's rule; 0 = off.
STATISTICS_URL = "statistics/"
STATISTICS_SAVE_AS = "statistics/index.html"
COLUMN_FRESHNESS_DAYS = 14

# --- Build log (plugins/buildlog) ---------------------------------------------------------------
# Warnings of one kind shown before the rest are only counted; the build ends with a summary, and
# cache/build-warnings.txt lists every warning and error of the last build.
BUILDLOG_SHOWN = 3

# Main navigation: (label, URL relative to the site root).
MENU_LINKS = [
    ("首页", ""),
    ("工作动态", "category/gong-zuo-dong-tai/"),
    ("经验做法", "category/jing-yan-zuo-fa/"),
    ("先进典型", "category/xian-jin-dian-xing/"),
    ("政策指导", "category/zheng-ce-zhi-dao/"),
    ("投稿指南", "submit/"),
    ("订阅", "subscribe/"),
    *([("搜索", SEARCH_URL)] if SEARCH_ENABLED else []),
]
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

# Photos (plugins/photos): the store of derived pictures (each story picture in a few widths, WebP and
# JPEG), made once per picture and kept here; `make clean` leaves it, so a cold build reuses it. Relative
# to the folder the build runs in; entries no build uses any more are removed at the end of a build.
PHOTOS_STORE = "resources/photos"

# Caches that make a rebuild fast (plugins/fastbuild): safe to delete at any time (`make clean`).
CACHE_PATH = "cache"
# False builds with plain Pelican: no parallel reading or rendering, no skipped pages, no caches of
# fastbuild; the same site, slower. For comparing, or while fastbuild waits for a Pelican upgrade.
FASTBUILD = True
# Processes used to read and render; 1 builds in one process (same output, slower).
FASTBUILD_WORKERS = 2
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_PATH = "output"
