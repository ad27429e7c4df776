#!/bin/sh
# Regenerates the load, peer and SQL-alone tables of BENCHMARKS.md (issue #6),
# from the repository root, on the synthetic reference dataset already seeded
# in both stores (see BENCHMARKS.md). About 15 minutes on 2 vCPUs.
#
#   sh bench/run.sh
#
# Prerequisites: Go, Node 20 with npm (PostGraphile is installed into
# bench/peer/node_modules by `npm ci`), PostgreSQL reachable at $ESSAIM_BENCH_PG.
set -eu
PG=${ESSAIM_BENCH_PG:-postgres://postgres@127.0.0.1:5432/essaim_bench?sslmode=disable}
DB=${ESSAIM_BENCH_SQLITE:-/tmp/essaim-bench.db}
(cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)
CGO_ENABLED=0 go run ./bench/load -sqlite "$DB" -postgres "$PG" -peer bench/peer -write BENCHMARKS.md
CGO_ENABLED=0 go run ./bench/sqlalone -postgres "$PG" -write BENCHMARKS.md
