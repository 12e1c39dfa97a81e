# NQI Hub — the two commands a newcomer needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# Some machines point pip at extra local indexes that do not exist; their warnings are noise, not errors.
PIPQUIET := 2>&1 | { grep -v -e "^WARNING: Location '" -e "is neither a file nor a directory" || true; }
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest workers: both cores by default; `make test WORKERS=0` runs in one process.
WORKERS ?= 2

.PHONY: run test lint venv setup runtime-deps system-deps messages bench clean

run: setup ## migrate, load reference and demo data, serve at http://127.0.0.1:8000 on SQLite
	$(BIN)/nqihub demo
	@echo "NQI Hub: http://$(HOST):$(PORT)/   API: http://$(HOST):$(PORT)/api/docs/"
	$(BIN)/nqihub runserver $(HOST):$(PORT)

setup: venv runtime-deps messages
	$(BIN)/nqihub migrate --no-input
	$(BIN)/nqihub load-reference

test: venv system-deps messages ## ruff and the whole test suite (the database comes from DATABASE_URL)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nqihub makemigrations --check --dry-run > /dev/null || (echo "模型有未生成的迁移 / missing migrations: run nqihub makemigrations" && exit 1)
	$(BIN)/pytest -n $(WORKERS) -p no:cacheprovider

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@py=$$(scripts/find-python) || exit 1; \
	 if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	   rm -rf $(VENV); echo "creating $(VENV) with $$py"; $$py -m venv $(VENV) || exit 1; fi
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock $(PIPQUIET)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . $(PIPQUIET)
	@rm -f $(VENV)/.installed-*; touch $@

# Debian packages, installed only when missing. At run time: Noto CJK so PDF reports render Chinese, gettext to
# compile the English translation. For the tests also Chromium (the Playwright browser tests).
APT_INSTALL = if [ -n "$$missing" ]; then \
	   echo "installing Debian packages:$$missing"; \
	   if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	   $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
	 fi

runtime-deps:
	@missing=""; \
	 fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing="$$missing fonts-noto-cjk"; \
	 command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	 $(APT_INSTALL)

system-deps: runtime-deps
	@missing=""; \
	 [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	 $(APT_INSTALL)

# Compiled translations are build output (not committed): built from the .po files when gettext is present.
messages:
	@if command -v msgfmt >/dev/null; then $(BIN)/nqihub compilemessages --ignore=.venv -v0; \
	 else echo "gettext not installed: English translations skipped (Chinese works without them)"; fi

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
