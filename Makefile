# The two commands a newcomer needs: `make demo` and `make test`. Both set up what they need.
PY ?= python3
VENV := .venv
STUDIO_VENV := .venv-studio
LABEL_STUDIO_VERSION := 1.23.2
PYTEST_ARGS ?=

.PHONY: install studio-env browser demo test bench lint clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# Label Studio pins Django, pytz<2023 and pyarrow<25, which clash with datasets and
# trafilatura: it gets an environment of its own, found by `annot studio up`.
$(STUDIO_VENV)/.installed:
	$(PY) -m venv $(STUDIO_VENV)
	$(STUDIO_VENV)/bin/pip install -q --upgrade pip
	$(STUDIO_VENV)/bin/pip install -q 'label-studio==$(LABEL_STUDIO_VERSION)'
	touch $@

install: $(VENV)/.installed
studio-env: $(STUDIO_VENV)/.installed

# Debian's chromium for the browser tests (Playwright's own browser download cannot work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; }

PORT ?= 8080
demo: install studio-env
	$(VENV)/bin/annot demo --port $(PORT)

test: install studio-env browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install studio-env
	$(VENV)/bin/python tests/benchmarks/run_all.py

lint: install
	$(VENV)/bin/ruff check annot tests
	$(VENV)/bin/ruff format --check annot tests
	$(VENV)/bin/mypy annot

clean:
	rm -rf $(VENV) $(STUDIO_VENV) .annot .pytest_cache
