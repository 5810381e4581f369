# Two entry points for a fresh machine: `make translate` (the main job) and `make test`.
PYTHON  ?= python3
MODEL   ?= Helsinki-NLP/opus-mt-tc-big-ko-en
BACKEND ?= transformers
ARCHIVE ?= ../shared/archive/press-releases-2025.txt
OUT     ?= out

.PHONY: install translate test browser

install:
	$(PYTHON) -m pip install --quiet torch==2.13.0
	$(PYTHON) -m pip install --quiet -e '.[test]'
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 >/dev/null

translate: install
	$(PYTHON) -m koen archive translate $(ARCHIVE) $(OUT) --model $(MODEL) --backend $(BACKEND)

# Debian's Chromium for the workbench's browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped (install Debian's chromium)"; fi; }

test: install browser
	$(PYTHON) -m pytest

# Property tests (tests/test_fuzz_*.py) run longer than in CI, before a release: `make fuzz FUZZ_EXAMPLES=20000`.
FUZZ_EXAMPLES ?= 5000
.PHONY: fuzz
fuzz:
	KOEN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTHON) -m pytest tests -k fuzz
