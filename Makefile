# Two entry points for a fresh machine: `make translate` (the main job) and `make test` (the tests);
# `make koen` says where the command is and how to put it on PATH.
#
# Both install into a project virtual environment (.venv, made with the stock python3), so they
# work where python3 is "externally managed" (PEP 668, Debian/Ubuntu). pip runs only when
# pyproject.toml changed (stamp files in the environment: runtime, then test extras).
# PYTHON=/path/to/python uses that interpreter instead and makes no venv.
MODEL   ?= Helsinki-NLP/opus-mt-tc-big-ko-en
BACKEND ?= transformers
ARCHIVE ?= examples/press-releases-2025.txt
OUT     ?= out
ARGS    ?=
# The interpreter that makes .venv, and the torch release installed first (CPU wheel where pip's
# index has one; see README "Set-up" for PyPI's CUDA default and the CPU-only index).
SYSTEM_PYTHON ?= python3
VENV    ?= .venv
TORCH   ?= torch==2.13.0

ifdef PYTHON
# Stamps per interpreter: switching PYTHON installs into the new one.
STAMPS  := build/stamps/$(shell printf '%s' '$(PYTHON)' | cksum | cut -d' ' -f1)
PY      := $(PYTHON)
VENV_PY :=
else
STAMPS  := $(VENV)
PY      := $(VENV)/bin/python
VENV_PY := $(VENV)/bin/python
endif

.PHONY: install install-test translate koen test browser cat-tool office

install: $(STAMPS)/runtime.stamp

install-test: $(STAMPS)/test.stamp

$(VENV)/bin/python:
	@$(SYSTEM_PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "make: cannot create $(VENV) with $(SYSTEM_PYTHON) (on Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }

# Runtime dependencies only: torch first (so pip keeps this release), then koen itself.
$(STAMPS)/runtime.stamp: pyproject.toml | $(VENV_PY)
	@mkdir -p $(STAMPS)
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e .
	@touch $@

# The test extras on top (pytest, playwright, matplotlib, ipykernel, ...) and the notebook kernel.
$(STAMPS)/test.stamp: $(STAMPS)/runtime.stamp pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,ray]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $@

translate: $(STAMPS)/runtime.stamp
	$(PY) -m koen archive translate $(ARCHIVE) $(OUT) --model $(MODEL) --backend $(BACKEND) $(ARGS)

# Where the `koen` command is, and how to put it on PATH.
koen: $(STAMPS)/runtime.stamp
ifdef PYTHON
	@echo "koen is installed for $(PYTHON): run it as '$(PYTHON) -m koen', or from that interpreter's bin folder"
else
	@echo "koen is $(VENV)/bin/koen; put it on PATH with: . $(VENV)/bin/activate"
endif

# Debian's Chromium for the workbench's browser tests (Playwright drives it; no browser download),
# and a Hangul font (fonts-nanum) so that its pages and screenshots show Korean, not boxes.
BROWSER_PACKAGES ?= chromium fonts-nanum
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list :lang=ko 2>/dev/null | grep -q .; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	  else echo "chromium or a Hangul font missing: browser tests may be skipped (apt-get install $(BROWSER_PACKAGES))"; fi; }

# Debian's OmegaT (a real CAT tool, console mode) for the exchange tests: koen's TMX and XLIFF must
# load there (tests/test_review_omegat.py).
cat-tool:
	@command -v omegat >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq omegat >/dev/null; \
	  else echo "omegat missing: the CAT-tool exchange tests will be skipped (install Debian's omegat)"; fi; }

# Debian's LibreOffice Writer (no GUI) for the DOCX round-trip test: it opens koen's output headless.
office:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null; \
	  else echo "soffice missing: the LibreOffice test is skipped here and fails in CI (install libreoffice-writer-nogui)"; fi; }

test: $(STAMPS)/test.stamp browser cat-tool office
	$(PY) -m pytest

# Property tests (tests/test_fuzz_*.py) run longer than in CI, before a release: `make fuzz FUZZ_EXAMPLES=20000`.
FUZZ_EXAMPLES ?= 5000
.PHONY: fuzz
fuzz: $(STAMPS)/test.stamp
	KOEN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests -k fuzz
