# nbtrace — the two set-up commands for a fresh machine:
#   make demo    install, build, pip-install into .venv, start JupyterLab on examples/demo.ipynb
#   make test    install (incl. Chromium), build, pip-install, run jest + pytest + galata UI tests
# Also: make build | make install | make clean | make distclean
#
# Every install step is a stamp file inside the folder it fills, so a second run
# only redoes what changed (and `rm -rf node_modules` simply forces a reinstall).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8888
VENV := .venv
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export PIP_RETRIES := 0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

VENV_STAMP := $(VENV)/.nbtrace-deps.stamp
INSTALL_STAMP := $(VENV)/.nbtrace-install.stamp
NODE_STAMP := node_modules/.nbtrace-install.stamp
UI_NODE_STAMP := ui-tests/node_modules/.nbtrace-install.stamp
LABEXT := python/nbtrace/labextension/package.json

# This machine's pip config names an index folder that lacks most packages: pip
# warns once per package. Drop those lines (pipefail keeps pip's exit code).
PIP_FILTER := { grep -v 'is neither a file nor a directory' || true; }

# What the bundle is built from, and what the wheel is made of.
JS_SOURCES := $(shell find src style schema -type f 2>/dev/null)
PY_SOURCES := $(shell find python/nbtrace -name '*.py' -not -name _version.py -not -path '*/labextension/*' 2>/dev/null)

.PHONY: help demo test build install chromium clean distclean

help:
	@echo "make demo   - install + build + start JupyterLab on examples/demo.ipynb (PORT=$(PORT))"
	@echo "make test   - install + build + run jest, pytest and the UI tests; ends with 'N passed, N failed'"
	@echo "make build  - build the lab extension into python/nbtrace/labextension"
	@echo "make install - pip-install nbtrace (non-editable) into .venv"
	@echo "make clean  - remove build output and test results; distclean also .venv and node_modules"

demo: $(INSTALL_STAMP)
	scripts/demo.sh

test: $(INSTALL_STAMP) $(UI_NODE_STAMP) chromium
	scripts/test-all.sh

build: $(LABEXT)

install: $(INSTALL_STAMP)

# Python: the venv with JupyterLab, the builder (provides jlpm) and the test tools.
$(VENV_STAMP): scripts/requirements-dev.txt
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -r scripts/requirements-dev.txt 2>&1 | $(PIP_FILTER)
	touch $@

# npm packages, with the yarn 3 that jupyter_builder ships (jlpm); the filter
# drops yarn's thousand "fetched from the remote registry" lines.
$(NODE_STAMP): package.json yarn.lock .yarnrc.yml | $(VENV_STAMP)
	jlpm install | { grep -v YN0013 || true; }
	touch $@

$(UI_NODE_STAMP): ui-tests/package.json ui-tests/yarn.lock ui-tests/.yarnrc.yml | $(VENV_STAMP)
	cd ui-tests && jlpm install | { grep -v YN0013 || true; }
	touch $@

# tsc + jupyter-builder. tsc is incremental: without lib/ its .tsbuildinfo would
# make it emit nothing, so drop the stale info first.
$(LABEXT): $(JS_SOURCES) scripts/build-standalone.mjs package.json tsconfig.json $(NODE_STAMP)
	[ -d lib ] || rm -f tsconfig.tsbuildinfo
	jlpm build:prod

# Non-editable install, as a user gets it; then check JupyterLab / Notebook 7 see it.
$(INSTALL_STAMP): $(LABEXT) $(PY_SOURCES) pyproject.toml hatch_build.py install.json $(VENV_STAMP)
	$(VENV)/bin/python -m pip install --no-deps --force-reinstall . 2>&1 | $(PIP_FILTER)
	scripts/check-install.sh
	touch $@

# The UI tests use the system Chromium; Playwright never downloads one.
chromium:
	@if command -v chromium >/dev/null; then \
	  echo "chromium: $$(command -v chromium)"; \
	else \
	  echo "chromium missing: installing it with apt"; \
	  export DEBIAN_FRONTEND=noninteractive; apt-get update && apt-get install -y chromium; \
	fi

clean:
	rm -rf lib tsconfig.tsbuildinfo python/nbtrace/labextension python/nbtrace/static python/nbtrace/_version.py \
	  test-results ui-tests/test-results ui-tests/screenshots ui-tests/playwright-report \
	  dist build *.egg-info
	rm -f $(INSTALL_STAMP)

distclean: clean
	rm -rf $(VENV) node_modules ui-tests/node_modules

# Browser benchmark (a report: nothing passes or fails): the built extension in a real
# JupyterLab (ui-tests' galata server config, port NBTRACE_BENCH_PORT=8897) in headless
# system Chromium, next to JupyterLab's JSON renderer. Writes bench/results/latest.{md,json}.
.PHONY: bench
bench: $(INSTALL_STAMP) $(UI_NODE_STAMP) chromium
	node bench/run.js
	node bench/eval.js
	node bench/list.js
	node bench/times.js > /dev/null
	node bench/notebook.js
	node bench/html.js
	$(VENV)/bin/python bench/python/overhead.py
	$(VENV)/bin/python bench/python/live_growth.py
	$(VENV)/bin/python bench/python/eval_overhead.py > /dev/null
	@cat bench/results/latest.md bench/results/eval.md bench/results/list.md bench/results/notebook.md bench/results/times.md bench/results/html.md bench/results/python.md bench/results/live-growth.md bench/results/eval-python.md
