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
        maelstrom-install

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
	node_modules/.bin/mocha 'test/**/*.test.ts'

test: build typecheck unit ## Type-check, build, and run every test suite (what CI runs)

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
