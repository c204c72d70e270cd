# Editors' commands. `make help` lists them. The first run creates .venv and installs the pins.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Runtime pins (requirements.txt) for building, checking and publishing; make test adds the test tools.
INSTALLED := $(VENV)/.installed
TEST_INSTALLED := $(VENV)/.installed-test
# The W3C HTML validator that make check runs (npm package vnu-jar, pinned in tools/sitecheck/).
VALIDATOR_DIR := $(VENV)/vnu
VALIDATOR := $(VALIDATOR_DIR)/node_modules/vnu-jar/build/dist/vnu.jar
OUTPUT := output
PELICAN := $(BIN)/pelican
PORT ?= 8000
# The mail client's export of the submissions mailbox; the default is the bundled sample.
MAILBOX_EXPORT ?= tools/mailbox_import/sample_export
# make fetch: the mail server's settings from pelicanconf.py, each overridable here or from the
# environment (make fetch IMAP_USER=…); the password only ever from IMAP_PASSWORD or IMAP_PASSWORD_FILE.
IMAP_SETTINGS := IMAP_HOST IMAP_PORT IMAP_USER IMAP_SECURITY IMAP_PASSWORD_FILE
MAILBOX_IMPORT := MAILBOX_EXPORT="$(MAILBOX_EXPORT)" $(foreach name,$(IMAP_SETTINGS),$(name)="$($(name))") \
	PYTHONPATH=tools:plugins $(BIN)/python -m mailbox_import
# The published site (make publish writes it, make upload sends it); its next build is made in
# $(PUBLISH_DIR).new/ and the one before is kept as $(PUBLISH_DIR).previous/.
PUBLISH_DIR ?= public
# Where `make upload` sends it: UPLOAD_TO, from the environment or the command line, is a folder or
# [user@]host:/path (rsync) or s3://bucket/folder (S3_ENDPOINT_URL).
UPLOAD_TO ?=
# The public address is PUBLIC_SITEURL in pelicanconf.py; make publish SITEURL=https://… overrides it.
SITEURL ?=
# The folder make check checks: make check DIR=public.
DIR ?= $(OUTPUT)
SITE_ADDRESS := $(if $(SITEURL),--site-url "$(SITEURL)")
CHECK := PYTHONPATH=tools:plugins $(BIN)/python -m sitecheck --validator $(VALIDATOR) --report cache/check-problems.txt
PUBLISH := PYTHONPATH=tools:plugins $(BIN)/python -m publish --live $(PUBLISH_DIR)

.DEFAULT_GOAL := help
.PHONY: help venv fetch import review new html serve devserver check publish rollback upload clean test lint bench bench-serve

help: ## List every target, one line each
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

$(INSTALLED): requirements.txt
	@echo "==> Creating $(VENV) and installing the runtime pins (first run only)"
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(TEST_INSTALLED): $(INSTALLED) requirements-test.txt
	@echo "==> Installing the test tools' pins into $(VENV) (make test only)"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# npm only fetches the pinned file; the validator runs on Debian's Java (default-jre-headless).
$(VALIDATOR): tools/sitecheck/package.json tools/sitecheck/package-lock.json
	@echo "==> Installing the W3C HTML validator (vnu-jar, pinned) into $(VALIDATOR_DIR)/ (first run only)"
	@command -v npm >/dev/null || { echo "error: make check needs npm once to install the validator: apt-get install npm" >&2; exit 2; }
	mkdir -p $(VALIDATOR_DIR)
	cp tools/sitecheck/package.json tools/sitecheck/package-lock.json $(VALIDATOR_DIR)/
	cd $(VALIDATOR_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

venv: $(INSTALLED) $(VALIDATOR) ## Create .venv with the runtime pins and the HTML validator

fetch: $(INSTALLED) ## Fetch the approval folders over IMAP (IMAP_* settings) into the Maildir MAILBOX_EXPORT
	$(MAILBOX_IMPORT) fetch

import: $(INSTALLED) ## Import approved mail from MAILBOX_EXPORT and files in inbox/ into content/; print a report
	$(MAILBOX_IMPORT) import

review: $(INSTALLED) ## List mail waiting for review and what import skipped, and the server inbox (writes nothing)
	$(MAILBOX_IMPORT) review

# The title reaches the script through the environment, so quotes or $ in it are safe.
new: export NEW_TITLE = $(value TITLE)
new: export NEW_SLUG = $(value SLUG)
new: $(INSTALLED) ## Start a story by hand: make new TITLE="标题" [SLUG=…]; prints the new file's path
	@test -n "$$NEW_TITLE" || { echo 'error: give a title, e.g. make new TITLE="南京市志愿者协会开展社区服务"' >&2; exit 2; }
	@PYTHONPATH=tools:plugins $(BIN)/python -m newstory "$$NEW_TITLE" --slug "$$NEW_SLUG"

html: $(INSTALLED) import ## Import approved mail, then build the whole site into output/ (local links)
	@echo "==> Building the site into $(OUTPUT)/"
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT)
	@echo "==> Done: open $(OUTPUT)/index.html, or run 'make serve'"

serve: $(INSTALLED) ## Preview output/ on http://localhost:8000
	@echo "==> Serving $(OUTPUT)/ on http://localhost:$(PORT) (Ctrl-C stops)"
	$(PELICAN) --listen -o $(OUTPUT) -p $(PORT)

devserver: $(INSTALLED) ## Rebuild on every change and serve on http://localhost:8000
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --autoreload --listen -p $(PORT)

check: $(INSTALLED) $(VALIDATOR) ## Check a built site: links, feeds, HTML, other hosts, scripts (DIR=output)
	$(CHECK) $(SITE_ADDRESS) $(DIR)

publish: $(INSTALLED) $(VALIDATOR) ## Public build into public.new/, check it, swap it in as public/
	$(PUBLISH) $(SITE_ADDRESS) publish

rollback: $(INSTALLED) ## Put the previously published build back as public/ (again: undo)
	$(PUBLISH) rollback

upload: $(INSTALLED) ## Upload public/ to UPLOAD_TO, changed files only (DRY_RUN=1 lists what would change)
	@UPLOAD_TO="$(UPLOAD_TO)" PYTHONPATH=tools:plugins $(BIN)/python -m upload $(if $(filter-out 0,$(DRY_RUN)),--dry-run) "$(PUBLISH_DIR)"

clean: ## Remove the local build and caches (keeps .venv and the published public/)
	rm -rf $(OUTPUT) cache .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

lint: $(TEST_INSTALLED) ## Check the Python code with ruff
	$(BIN)/ruff check .

test: lint $(VALIDATOR) ## Run the test suite (adds the test tools to .venv first if needed)
	$(BIN)/pytest

# make bench N=500 (one size) or BENCH_SIZES=200,1000; BENCH_RUNS=1; BENCH_README=1 puts the table in README.md.
bench: $(INSTALLED) ## Scale benchmark: our build vs bare Pelican and Hugo at 1,000 and 10,000 stories (minutes)
	$(BIN)/python bench/scale.py $(if $(N),--sizes $(N)) $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES)) \
		$(if $(BENCH_RUNS),--runs $(BENCH_RUNS)) $(if $(BENCH_README),--update-readme)

# BENCH_SECONDS=10 for longer runs; bench/serve.py --help for the rest.
bench-serve: $(INSTALLED) ## Load run: deploy/nginx.conf in Debian's nginx under wrk on loopback (req/s, errors, 304s)
	$(BIN)/python bench/serve.py $(if $(BENCH_SECONDS),--seconds $(BENCH_SECONDS))
