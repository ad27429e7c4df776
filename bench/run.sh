#!/bin/sh
# Regenerates the load, peer, count-cache, response-cache and SQL-alone tables of
# BENCHMARKS.md (issue #6), from the repository root, on the synthetic
# reference dataset already seeded in both stores (see BENCHMARKS.md). About
# 12 to 20 minutes on 2 vCPUs.
#
#   sh bench/run.sh
#
# Prerequisites: Go, Node 20 with npm (PostGraphile is installed into
# bench/peer/node_modules by `npm ci`), PostgreSQL reachable at $ESSAIM_BENCH_PG.
set -eu
PG=${ESSAIM_BENCH_PG:-postgres://postgres@127.0.0.1:5432/essaim_bench?sslmode=disable}
DB=${ESSAIM_BENCH_SQLITE:-/tmp/essaim-bench.db}
(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)
# The engine: every answer computed (the response cache would answer the
# workload's repeated reads itself), against PostGraphile, which has no cache.
ESSAIM_RESPONSE_CACHE_BYTES=0 CGO_ENABLED=0 go run ./bench/load -sqlite "$DB" -postgres "$PG" -peer bench/peer -write BENCHMARKS.md
# The engine without the count cache: every totalCount counted, as
# PostGraphile counts it, for the operations that count.
ESSAIM_RESPONSE_CACHE_BYTES=0 ESSAIM_COUNT_CACHE=0 CGO_ENABLED=0 go run ./bench/load -postgres "$PG" -cold 0 -mixed "" \
  -ops dashboard,dashboard_rural_theme,covering_commune -peer bench/peer -section uncounted -write BENCHMARKS.md
# The default configuration: repeated reads answered by the response cache.
CGO_ENABLED=0 go run ./bench/load -postgres "$PG" -cold 0 -section cached -write BENCHMARKS.md
CGO_ENABLED=0 go run ./bench/sqlalone -postgres "$PG" -write BENCHMARKS.md
