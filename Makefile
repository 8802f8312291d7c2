# creditbot — see README.md. Everything installs into .venv; nothing global.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= $(or $(CREDITBOT_DATA_DIR),./data)
PORT ?= $(or $(CREDITBOT_PORT),8000)
SERVICE_PORT ?= $(or $(CREDITBOT_SERVICE_PORT),8100)

.PHONY: install run test bench eval clean

install: $(STAMP)

# torch's CPU build goes in first so that sentence-transformers never pulls the CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

run: install
	CREDITBOT_DATA_DIR=$(DATA_DIR) $(BIN)/creditbot ingest
	CREDITBOT_DATA_DIR=$(DATA_DIR) $(BIN)/creditbot import-buyers tools/service/samples/buyers.csv
	CREDITBOT_DATA_DIR=$(DATA_DIR) $(BIN)/creditbot import-invoices tools/service/samples/invoices.csv
	CREDITBOT_DATA_DIR=$(DATA_DIR) CREDITBOT_DEMO=1 \
	CREDITBOT_SERVICE_TOKEN=$${CREDITBOT_SERVICE_TOKEN:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')} \
	$(BIN)/creditbot demo

test: install
	$(BIN)/python -m pytest

# The evaluation sets, each scored on its own: tuned on (public, dev and our tune_* sets) and never tuned on (followup_check, check_metrics, holdout15, holdout14, holdout13, holdout12, holdout11,
# holdout10, holdout9, holdout8, fresh2, corpus2). corpus2 runs on its own index built from tests/data/corpus2/.
SHARED ?= ../shared
EVAL_DATA ?= $(DATA_DIR)/eval
eval: install
	CREDITBOT_DATA_DIR=$(EVAL_DATA)/main $(BIN)/creditbot ingest
	CREDITBOT_DATA_DIR=$(EVAL_DATA)/main $(BIN)/creditbot eval $(SHARED)/eval/public.jsonl $(SHARED)/eval/dev.jsonl \
		tests/data/tune_*.jsonl \
		tests/data/followup_check.jsonl tests/data/check_metrics.jsonl tests/data/holdout15.jsonl tests/data/holdout14.jsonl tests/data/holdout13.jsonl tests/data/holdout12.jsonl tests/data/holdout11.jsonl tests/data/holdout10.jsonl tests/data/holdout9.jsonl tests/data/holdout8.jsonl tests/data/fresh2.jsonl
	CREDITBOT_DATA_DIR=$(EVAL_DATA)/corpus2 $(BIN)/creditbot ingest tests/data/corpus2
	CREDITBOT_DATA_DIR=$(EVAL_DATA)/corpus2 $(BIN)/creditbot eval tests/data/corpus2.jsonl

bench: install
	$(BIN)/python bench/summary.py

clean:
	rm -rf $(VENV) data
