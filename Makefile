# Build, test and run the Maelstrom Raft node. `make help` lists the targets.
#
# Targets that drive a Maelstrom binary use $(MAELSTROM): by default our local
# runner (bin/maelstrom-local); point it at the real one with
#   make lin-kv MAELSTROM=maelstrom/maelstrom/maelstrom
SHELL := /bin/bash
.DEFAULT_GOAL := help

MAELSTROM        ?= bin/maelstrom-local
NODE_COUNT       ?= 3
TIME_LIMIT       ?= 30
RATE             ?= 100
CONCURRENCY      ?= 2n
LATENCY          ?= 0
NEMESIS          ?= partition
NEMESIS_INTERVAL ?= 5
# Extra arguments appended to every `maelstrom test` line (e.g. --seed 7).
ARGS             ?=
# Arguments passed through to the node binary (after `--`), e.g. --data-dir /tmp/raft
NODE_ARGS        ?=

NODE_BIN := dist/raft-node.js
SOURCES  := $(shell find src workloads -name '*.ts' 2>/dev/null) package.json
ESBUILD  := node_modules/.bin/esbuild --bundle --platform=node --target=node20 --log-level=warning \
            --banner:js='\#!/usr/bin/env node' --sourcemap=inline --legal-comments=none

MAELSTROM_TEST = $(MAELSTROM) test --bin $(NODE_BIN) --node-count $(NODE_COUNT) \
  --time-limit $(TIME_LIMIT) --rate $(RATE) --concurrency $(CONCURRENCY) --latency $(LATENCY) \
  $(if $(NEMESIS),--nemesis $(NEMESIS) --nemesis-interval $(NEMESIS_INTERVAL)) $(ARGS) \
  $(if $(NODE_ARGS),-- $(NODE_ARGS))

.PHONY: help build test typecheck unit clean lin-kv txn-list-append txn-rw-register echo unique-ids \
        maelstrom-install raft-test raft-soak sim sim-ci bench bench-quick bench-checker bench-storage bench-router \
        corpus hunt hunt-bench bench-efficiency bench-rss

MOCHA_ONLY := node_modules/.bin/mocha --no-config -r test/support/register.js --extension ts --reporter dot
TS_NODE    := node -r ./test/support/register.js
SEEDS    ?= 1000
HUNT_BUDGET ?= 300
HUNT_SEED   ?=
# Extra arguments for bench/hunt-bench.ts, e.g. HUNT_BENCH_ARGS="--false-positives 1800 --demo /path/raft.rb"
HUNT_BENCH_ARGS ?=
WORKLOAD ?= lin-kv

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 22

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: dist/raft-node.js dist/maelstrom-local.js ## Bundle the node and the local runner into dist/

dist/raft-node.js: node_modules/.package-lock.json $(SOURCES)
	$(ESBUILD) src/server/main.ts --outfile=$@
	@chmod 755 $@

dist/maelstrom-local.js: node_modules/.package-lock.json $(SOURCES)
	@if [ -f src/runner/main.ts ]; then $(ESBUILD) src/runner/main.ts --outfile=$@ && chmod 755 $@; \
	 else echo "note: the local runner (src/runner/main.ts) does not exist yet"; fi

typecheck: node_modules/.package-lock.json ## Type-check everything with tsc --noEmit
	node_modules/.bin/tsc --noEmit -p .

unit: build ## Run the mocha suites only (no type check)
	node_modules/.bin/mocha 'test/**/*.test.ts' 'bench/test/**/*.test.ts'

test: build typecheck unit sim-ci ## Type-check, build, and run every test suite and the CI simulation swarm (what CI runs)

clean: ## Remove build output and test stores
	rm -rf dist store

lin-kv: build ## Partitioned lin-kv test of the node through $(MAELSTROM)
	$(MAELSTROM_TEST) -w lin-kv

txn-list-append: build ## Partitioned txn-list-append test of the node
	$(MAELSTROM_TEST) -w txn-list-append

txn-rw-register: build ## Partitioned txn-rw-register test of the node
	$(MAELSTROM_TEST) -w txn-rw-register

echo: build ## Echo workload (no nemesis): proves the runtime end to end
	$(MAELSTROM) test -w echo --bin $(NODE_BIN) --node-count 1 --time-limit 10 $(ARGS)

unique-ids: build ## unique-ids workload with partitions
	$(MAELSTROM_TEST) -w unique-ids

maelstrom-install: ## Download the official Maelstrom release into maelstrom/ (needs internet and Java)
	maelstrom/install.sh

raft-test: node_modules/.package-lock.json ## Raft core suites only (scenarios + a few thousand randomized seeds)
	$(MOCHA_ONLY) --timeout 600000 'test/raft/*.test.ts'

raft-soak: node_modules/.package-lock.json ## Many more randomized Raft seeds (RAFT_SEEDS=20000 RAFT_STEPS=500 by default)
	RAFT_SEEDS=$${RAFT_SEEDS:-20000} RAFT_STEPS=$${RAFT_STEPS:-500} $(MOCHA_ONLY) --timeout 0 test/raft/randomized.test.ts -g profile

bench-checker: node_modules/.package-lock.json ## Checker speed on 10,000-op lin-kv and list-append histories
	$(TS_NODE) src/checker/bench.ts

bench-storage: node_modules/.package-lock.json ## WAL group-commit throughput with 1, 10 and 100 writers
	$(TS_NODE) src/storage/bench.ts

bench-router: build ## Router throughput of the local runner (echo fixture, 5 nodes, unlimited rate)
	$(MAELSTROM) test -w echo --bin test/fixtures/echo-node.js --node-count 5 --concurrency 50n --time-limit 10 --rate 100000 --seed 1

sim-ci: node_modules/.package-lock.json ## The fixed CI swarm: 170 seeds x 3 workloads = 510 simulated runs
	$(TS_NODE) src/sim/main.ts --seeds 170 --workload all --quiet --out .sim-out

sim: node_modules/.package-lock.json ## Deterministic simulation swarm: make sim SEEDS=1000 WORKLOAD=lin-kv|txn-list-append|txn-rw-register|all
	$(TS_NODE) src/sim/main.ts --seeds $(SEEDS) --workload $(WORKLOAD)

bench: build ## Throughput/latency/msgs-per-op table, reference points, floors, micro-benchmarks (~8 min)
	$(TS_NODE) bench/run.ts

bench-quick: build ## A ~1.5 minute subset of make bench
	$(TS_NODE) bench/run.ts --quick

# bench-efficiency: BASELINE=/path/to/an/older/dist/raft-node.js runs it side by side (ratios in one run).
BASELINE ?=
bench-efficiency: build ## Msgs/op and latency at rate 100, open-loop 3000, --latency 10 (medians of 3), peak, single node (~5 min; BASELINE=old bundle: ~10 min)
	$(TS_NODE) bench/efficiency.ts $(if $(BASELINE),--baseline $(BASELINE))

MINUTES ?= 10
bench-rss: build ## Node RSS over a long closed-loop lin-kv run with snapshots (MINUTES=10); exit 1 if it grows
	$(TS_NODE) bench/rss.ts --minutes $(MINUTES)

corpus: build ## Broken Rafts to hunt: dist/corpus/<mutant>.js, dist/corpus/witness/<mutant>.js, dist/corpus/reference.js, dist/test/raft-node-broken.js
	$(TS_NODE) corpus/build.ts

hunt: build ## Swarm-test our node for HUNT_BUDGET s (default 300): make hunt WORKLOAD=lin-kv HUNT_SEED=7
	$(MAELSTROM) hunt -w $(WORKLOAD) --bin $(NODE_BIN) --budget $(HUNT_BUDGET) $(if $(HUNT_SEED),--seed $(HUNT_SEED)) $(ARGS) \
	  $(if $(NODE_ARGS),-- $(NODE_ARGS))

hunt-bench: build ## Detection table: every mutant and broken switch, 5 standard tests vs 2 hunts of 120 s (~50 min)
	$(TS_NODE) bench/hunt-bench.ts $(HUNT_BENCH_ARGS)
