# EventDesk: `make demo` and `make test` on a fresh machine; each builds .venv itself.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
EXAMPLE_PLUGIN := docs/example-plugin
# Shipped plugins: each plugins/eventdesk_<name>/ is a project of its own, installed like a
# third-party plugin, by its entry point.
SHIPPED_PLUGINS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
PROJECTS := pyproject.toml $(EXAMPLE_PLUGIN)/pyproject.toml $(addsuffix pyproject.toml,$(SHIPPED_PLUGINS))
STAMP := $(VENV)/.installed-$(shell cat $(PROJECTS) | cksum | cut -d' ' -f1)
DEMO_DB ?= demo/eventdesk.db

.PHONY: demo test bench lint format clean

$(STAMP): $(PROJECTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]' $(addprefix -e ,$(SHIPPED_PLUGINS))
	$(PY) -m pip install --quiet -e $(EXAMPLE_PLUGIN)
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p $(dir $(DEMO_DB))
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VENV)/bin/eventdesk --db $(DEMO_DB) demo

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench $(SUITE_ARGS)
	$(PY) bench/intake_email.py $(EMAIL_ARGS)
	$(PY) bench/knowledge.py $(KNOWLEDGE_ARGS)
	$(PY) bench/chat_routing.py $(CHAT_ARGS)
	$(PY) bench/reports.py $(REPORTS_ARGS)
	$(PY) bench/import_logs.py $(IMPORT_ARGS)
	$(PY) bench/drill.py $(DRILL_ARGS)
	$(PY) bench/wallboard.py $(WALLBOARD_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache .hypothesis
