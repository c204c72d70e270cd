"""`make check`: a built site's folder checked before anything goes out (not a Pelican plugin).

Every internal link, place (#…) and image resolves; every feed parses; every page is valid HTML by
the W3C Nu validator; nothing refers to another host except links in story text; nothing active
(script, event handler, javascript: address, iframe) is there that the theme did not put there.
Plain functions in check.py, pages.py, feeds.py, links.py, validator.py; the command in __main__.py.
"""
