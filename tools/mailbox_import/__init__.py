"""Mailbox import (`make import`, `python -m mailbox_import`): approved submissions from the mailbox
export become Markdown stories. The build side (an edited story's time for the feeds) is the Pelican
plugin plugins/edit_times; imported stories are cleaned like every story, by plugins/sanitizer.
"""
