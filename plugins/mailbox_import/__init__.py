"""Mailbox import (`make import`, `python -m mailbox_import`): approved submissions from the mailbox
export become Markdown stories. Not a Pelican plugin: at build time imported stories are cleaned like
every story, by plugins/sanitizer."""
