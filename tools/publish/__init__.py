"""`make publish` / `make rollback` (not a Pelican plugin): a checked public build swapped in by
rename, the one before kept for rollback. Functions in folders.py, the command in __main__.py."""
