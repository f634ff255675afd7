# Every target sets itself up on a fresh machine: it creates .venv when missing and installs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install test test-all demo benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch==2.13.0 is pinned in pyproject.toml (a CPU wheel here); see README for CUDA installs.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# opusfilter is the reference the bitext filters are tested against. Its full dependency set
# (scikit-learn, lingua, ...) is not needed for the filters compared, so it goes in without them.
TEST_STAMP := $(VENV)/.installed-test
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps opusfilter==3.3.1 iso639-lang ruamel.yaml
	touch $(TEST_STAMP)

# Every benchmark's baseline (TRL, opusfilter, rouge-score, ...): the `bench` extra plus the test
# environment (opusfilter goes in without its dependencies, as for the tests).
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

install: $(STAMP)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not slow" -q

test-all: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

# One JSON line per benchmark on stdout (progress and logs on stderr). Some take minutes.
benchmarks: $(BENCH_STAMP)
	@for script in benchmarks/*.py; do \
		echo "== $$script" >&2; \
		out=$$($(BIN)/python $$script) || { echo "$$script failed" >&2; exit 1; }; \
		echo "$$out" | tail -n 1; \
	done

demo: $(STAMP)
	$(BIN)/langadapt demo

clean:
	rm -rf runs .pytest_cache
