# conflictmap: `make run` opens the dashboard, `make test` runs the tests.
# Both create the virtual environment and install what they need first.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
export PYTHONPATH := $(CURDIR)

.PHONY: run test test-quick bench eval browser prepare clean help

help:
	@echo "make run         create .venv, install, open the dashboard on the shipped data"
	@echo "make test        install (incl. test deps and Chromium when root) and run all tests"
	@echo "make test-quick  the tests without the ones marked slow"
	@echo "make bench       run every benchmark in bench/ and print its figures"
	@echo "make eval        score the geoparser on ../shared/eval (development sets), and the best any locator could do there with the shipped gazetteer"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

prepare: $(VENV)/.run-deps
	$(PY) -m geo prepare

run: prepare
	$(PY) -m ui.serve --server.port $(PORT)

# Browser tests drive Debian's Chromium through chromedriver; nothing is downloaded by the tests.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else \
		echo "Chromium is missing: run 'sudo apt-get install chromium chromium-driver' (browser tests are skipped)"; \
	fi

test: $(VENV)/.dev-deps browser
	$(PY) -m geo prepare
	$(PY) -m pytest

test-quick: $(VENV)/.dev-deps
	$(PY) -m pytest -m "not slow"

bench: $(VENV)/.dev-deps
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

eval: $(VENV)/.dev-deps
	$(PY) ../shared/eval/score.py --system bench.eval_adapter:Adapter
	$(PY) bench/eval_ceiling.py

clean:
	rm -rf $(VENV) .pytest_cache
