# Kiln: the two commands are `make run` and `make test`; every target installs what it needs first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEMO_OUT ?= $(BUILD_DIR)/demo
PY := /usr/bin/python3

.PHONY: deps configure build test format format-check bench-build bench bench-full run demo clean

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check: deps
	@git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror
	@echo "format-check: ok"

# Every test: formatting, unit tests of each module, end-to-end CLI tests (ctest runs them all).
test: build format-check
	@cd $(BUILD_DIR) && ctest -j 2 --output-on-failure --timeout 1500

# Benchmarks, side by side with the alternatives (see bench/README.md); results go to bench/results/.
bench-build: configure
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DKILN_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target kiln csv_bench predict_bench request_parse_bench

bench: bench-build
	@$(BUILD_DIR)/bench/csv_bench | tee bench/results/csv-ingest.txt
	@{ echo "uptime:$$(uptime)"; $(BUILD_DIR)/bench/predict_bench; } | tee bench/results/predict.txt
	@{ echo "uptime:$$(uptime)"; $(BUILD_DIR)/bench/request_parse_bench; } | tee bench/results/request-parse.txt
	@$(PY) bench/s3_bench.py --kiln $(BUILD_DIR)/kiln
	@$(PY) bench/run_bench.py --quick --kiln $(BUILD_DIR)/kiln
	@$(PY) bench/serve_bench.py --kiln $(BUILD_DIR)/kiln
	@$(PY) bench/autoscale_bench.py --kiln $(BUILD_DIR)/kiln

bench-full: bench-build
	@$(BUILD_DIR)/bench/csv_bench | tee bench/results/csv-ingest.txt
	@{ echo "uptime:$$(uptime)"; $(BUILD_DIR)/bench/predict_bench; } | tee bench/results/predict.txt
	@{ echo "uptime:$$(uptime)"; $(BUILD_DIR)/bench/request_parse_bench; } | tee bench/results/request-parse.txt
	@$(PY) bench/s3_bench.py --kiln $(BUILD_DIR)/kiln
	@$(PY) bench/run_bench.py --full --kiln $(BUILD_DIR)/kiln
	@$(PY) bench/serve_bench.py --kiln $(BUILD_DIR)/kiln
	@$(PY) bench/autoscale_bench.py --kiln $(BUILD_DIR)/kiln

# One-shot AutoML on a bundled dataset: prints the leaderboard and where the report is.
demo: build
	@$(BUILD_DIR)/kiln automl examples/data/adult.csv --target class --out $(DEMO_OUT) \
	  --time-limit 60 --overwrite

# Kiln's main job on embedded defaults: the platform server (S3 + SageMaker APIs) on port 8080,
# data in .kiln/ (SQLite metadata, local-disk object store, access keys). PORT=0 picks a free port.
PORT ?= 8080
run: build
	@$(BUILD_DIR)/kiln server --data-dir .kiln --port $(PORT)

clean:
	@rm -rf $(BUILD_DIR)
