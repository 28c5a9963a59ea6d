# Two commands do everything on a fresh Debian machine with Python 3.11 (as root, or with sudo):
#   make run    set up .venv, then run the bundled recipe end to end on the samples this repository ships
#   make test   set up .venv, then run the whole test suite
# GPU users: make run TORCH_SPEC=torch==2.13.0 TORCH_INDEX_URL=https://download.pytorch.org/whl/cu128

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX_URL ?=
KENLM_VERSION ?= 0.3.0
KENLM_BUILD := build/kenlm
OUTPUT ?= out/sample
# Real repositories for the GitHub acceptance test, fetched at install time only (the tests never use the network):
# sdists from PyPI under MIT, BSD-3-Clause, Apache-2.0, GPL-3.0 and LGPL-2.1, read by the test as tarballs.
SDIST_CACHE ?= build/sdists
SDISTS ?= six==1.16.0 idna==3.7 requests==2.32.3 yamllint==1.35.1 chardet==5.2.0
PYTEST_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# cmake, Boost, zlib, bz2 and lzma build KenLM's lmplz and build_binary; g++ builds fasttext and kenlm's wheel.
SYSTEM_PACKAGES := g++ make cmake libboost-program-options-dev libboost-system-dev libboost-thread-dev \
	libboost-test-dev zlib1g-dev libbz2-dev liblzma-dev

.PHONY: install system-packages run ablate test lint clean

install: system-packages $(VENV)/.installed $(BIN)/lmplz $(SDIST_CACHE)/.fetched

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# Chromium renders report.html in the report's browser test; optional: the test skips without it.
	@command -v chromium >/dev/null || { echo "installing chromium (optional, for the report's browser test)"; \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
		--no-install-recommends chromium; } >/dev/null 2>&1 || echo "warning: chromium not installed; the browser test will skip"; }

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)" $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL))
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# KenLM's estimation and binarisation tools, compiled from the kenlm source distribution on PyPI.
$(BIN)/lmplz: $(VENV)/.installed
	rm -rf $(KENLM_BUILD) && mkdir -p $(KENLM_BUILD)
	$(BIN)/python -m pip download -q --no-deps --no-binary kenlm --no-build-isolation -d $(KENLM_BUILD) kenlm==$(KENLM_VERSION)
	tar -xzf $(KENLM_BUILD)/kenlm-$(KENLM_VERSION).tar.gz -C $(KENLM_BUILD)
	cmake -S $(KENLM_BUILD)/kenlm-$(KENLM_VERSION) -B $(KENLM_BUILD)/out -DCMAKE_BUILD_TYPE=Release \
		-DKENLM_MAX_ORDER=6 -DCOMPILE_TESTS=OFF -DBUILD_PYTHON=OFF > $(KENLM_BUILD)/cmake.log 2>&1 \
		|| { tail -n 40 $(KENLM_BUILD)/cmake.log; exit 1; }
	cmake --build $(KENLM_BUILD)/out --target lmplz build_binary query -j$$(nproc) > $(KENLM_BUILD)/build.log 2>&1 \
		|| { tail -n 40 $(KENLM_BUILD)/build.log; exit 1; }
	cp $(KENLM_BUILD)/out/bin/lmplz $(KENLM_BUILD)/out/bin/build_binary $(KENLM_BUILD)/out/bin/query $(BIN)/

# The sdists are downloaded, never installed (pip reads their metadata in a throwaway build environment).
$(SDIST_CACHE)/.fetched: Makefile | $(VENV)/.installed
	mkdir -p $(SDIST_CACHE)
	$(BIN)/python -m pip download -q --no-deps --no-binary :all: -d $(SDIST_CACHE) $(SDISTS) \
		|| echo "warning: could not fetch the sdists for the GitHub acceptance test; it will be skipped"
	touch $@

run: install
	$(BIN)/llama-data run --config configs/sample.yaml --output $(OUTPUT)

# The data-mix ablation demo on the tokens `make run` wrote: LLaMA's Table 1 weights against CommonCrawl only, the
# same budget, seed and model; then the report shows it beside the run.
ablate: run
	$(BIN)/llama-data ablate --tokens $(OUTPUT)/tokens --config configs/sample.yaml \
		--mixture configs/ablation/table1.yaml --mixture configs/ablation/commoncrawl-only.yaml \
		--budget 204800 --preset tiny --device cpu
	$(BIN)/llama-data report $(OUTPUT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) build out .pytest_cache .ruff_cache
