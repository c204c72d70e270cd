# Editors' commands. `make help` lists them, grouped (##@) in the order of a day's work, each described
# `## 中文 | English`. The first run creates .venv and installs the pins.
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
# Pelican through plugins/buildlog, which says what is wrong with a broken settings file, and where.
PELICAN := PYTHONPATH=tools:plugins $(BIN)/python -m buildlog
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
.PHONY: help venv fetch import review new html serve devserver check publish rollback upload clean test lint bench bench-serve screenshots

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

##@ 收信、审核、导入 (mail, review, import)
fetch: $(INSTALLED) ## 收信：从邮件服务器（IMAP_* 设置）取回审核文件夹里的邮件，存进本地邮箱 MAILBOX_EXPORT | Fetch the approval folders over IMAP (IMAP_* settings) into the Maildir MAILBOX_EXPORT
	$(MAILBOX_IMPORT) fetch

review: $(INSTALLED) ## 审核前看一看：待审核的来稿、导入会跳过哪些及原因、服务器收件箱（不改动任何文件） | List mail waiting for review and what import skipped, and the server inbox (writes nothing)
	$(MAILBOX_IMPORT) review

import: $(INSTALLED) ## 导入：把审核通过的邮件和 inbox/ 里的文件变成 content/ 里的稿件，并打印报告 | Import approved mail from MAILBOX_EXPORT and files in inbox/ into content/; print a report
	$(MAILBOX_IMPORT) import

# The title reaches the script through the environment, so quotes or $ in it are safe.
new: export NEW_TITLE = $(value TITLE)
new: export NEW_SLUG = $(value SLUG)
new: $(INSTALLED) ## 手工写稿：make new TITLE="标题" [SLUG=…]，显示新稿件文件的位置 | Start a story by hand; prints the new file's path
	@test -n "$$NEW_TITLE" || { echo '错误：请给出标题，例如 make new TITLE="南京市志愿者协会开展社区服务"（error: give a title）' >&2; exit 2; }
	@PYTHONPATH=tools:plugins $(BIN)/python -m newstory "$$NEW_TITLE" --slug "$$NEW_SLUG"

##@ 预览 (preview)
html: $(INSTALLED) import ## 生成预览：先导入，再把整个网站生成到 output/ | Import approved mail, then build the whole site into output/ (local links)
	@echo "==> Building the site into $(OUTPUT)/"
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT)
	@echo "==> Done: open $(OUTPUT)/index.html, or run 'make serve'"

serve: $(INSTALLED) ## 预览：在浏览器打开 http://localhost:8000 查看 output/（Ctrl-C 结束） | Preview output/ on http://localhost:8000
	@echo "==> Serving $(OUTPUT)/ on http://localhost:$(PORT) (Ctrl-C stops)"
	$(PELICAN) --listen -o $(OUTPUT) -p $(PORT)

devserver: $(INSTALLED) ## 边改边看：每次修改稿件后自动重新生成，在 http://localhost:8000 预览 | Rebuild on every change and serve on http://localhost:8000
	$(PELICAN) content -s pelicanconf.py -o $(OUTPUT) --autoreload --listen -p $(PORT)

##@ 检查、发布 (check, publish)
check: $(INSTALLED) $(VALIDATOR) ## 检查生成的网站：链接、订阅源、HTML、外站资源、脚本（DIR=output） | Check a built site: links, feeds, HTML, other hosts, scripts
	$(CHECK) $(SITE_ADDRESS) $(DIR)

publish: $(INSTALLED) $(VALIDATOR) ## 发布：正式生成到 public.new/，检查通过后换成 public/；有问题就什么都不发布 | Public build into public.new/, check it, swap it in as public/
	$(PUBLISH) $(SITE_ADDRESS) publish

rollback: $(INSTALLED) ## 撤回发布：把上一次发布的版本放回 public/（再运行一次即撤销本次撤回） | Put the previously published build back as public/ (again: undo)
	$(PUBLISH) rollback

##@ 上线 (go live)
upload: $(INSTALLED) ## 上线：把 public/ 上传到 UPLOAD_TO，只传改动过的文件（DRY_RUN=1 只列出不上传） | Upload public/ to UPLOAD_TO, changed files only (DRY_RUN=1 lists what would change)
	@UPLOAD_TO="$(UPLOAD_TO)" PYTHONPATH=tools:plugins $(BIN)/python -m upload $(if $(filter-out 0,$(DRY_RUN)),--dry-run) "$(PUBLISH_DIR)"

##@ 维护、开发 (upkeep, development)
venv: $(INSTALLED) $(VALIDATOR) ## 准备环境：建立 .venv，安装固定版本的依赖和 HTML 校验器（其他命令会自动先做） | Create .venv with the runtime pins and the HTML validator

clean: ## 清理：删除本机的生成结果和缓存（保留 .venv 和已发布的 public/） | Remove the local build and caches (keeps .venv and the published public/)
	rm -rf $(OUTPUT) cache .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

lint: $(TEST_INSTALLED) ## 用 ruff 检查 Python 代码 | Check the Python code with ruff
	$(BIN)/ruff check .

# As root with apt-get it installs the Debian packages the tests use; elsewhere it says how, and the
# tests that need them are skipped and counted in the run's last line. The validator needs npm once.
test: lint ## 运行全部测试（以 root 运行时先安装所需的 Debian 软件包，否则列出安装命令） | Run the test suite; installs the Debian packages it needs as root
	@$(PYTHON) tests/debian_packages.py install
	@if test -f $(VALIDATOR) || command -v npm >/dev/null; then $(MAKE) -s --no-print-directory $(VALIDATOR); fi
	@echo "==> 运行全部测试 Running the whole test suite (pytest)"
	$(BIN)/pytest

# make bench N=500 (one size) or BENCH_SIZES=200,1000; BENCH_RUNS=1; BENCH_README=1 puts the table in README.md.
# BENCH_PHOTO_STORE=FOLDER keeps the photos made between runs: the next run skips making them (see bench/scale.py).
bench: $(INSTALLED) ## 规模测试：与原版 Pelican、Hugo 比较 1,000 和 10,000 篇稿件的生成（约需一小时以上） | Scale benchmark: our build vs bare Pelican and Hugo (an hour or more)
	$(BIN)/python bench/scale.py $(if $(N),--sizes $(N)) $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES)) \
		$(if $(BENCH_RUNS),--runs $(BENCH_RUNS)) $(if $(BENCH_README),--update-readme) \
		$(if $(BENCH_PHOTO_STORE),--photo-store $(BENCH_PHOTO_STORE))

# BENCH_SECONDS=10 for longer runs; bench/serve.py --help for the rest.
bench-serve: $(INSTALLED) ## 压力测试：本机 nginx 加 deploy/nginx.conf，用 wrk 测每秒请求数 | Load run: deploy/nginx.conf in Debian's nginx under wrk on loopback
	$(BIN)/python bench/serve.py $(if $(BENCH_SECONDS),--seconds $(BENCH_SECONDS))

# Playwright comes with the test tools; the browser is Debian's chromium (make test installs it as root).
screenshots: $(TEST_INSTALLED) ## 重新截取编辑手册的图片：用示例网站和 Chromium 生成 docs/images/ | Take the pictures of docs/editor-guide.md from the sample site
	$(BIN)/python docs/screenshots.py docs/images

help: ## 列出全部命令，按一天工作的顺序 | List every target, in the order of a day's work
	@echo "江苏社会组织战疫风采 网站命令 (the site's commands). 编辑手册 editors' guide: docs/editor-guide.md"
	@awk '/^##@ / { print ""; print substr($$0, 5); next } \
	  /^[a-z-]+:.*## / { name = $$0; sub(/:.*/, "", name); text = $$0; sub(/^[^#]*## /, "", text); \
	    split(text, said, " [|] "); printf "  make %-12s %s\n", name, said[1]; \
	    if (said[2] != "") printf "  %-17s %s\n", "", said[2] }' $(MAKEFILE_LIST)
