package stmtcache

import (
	"strings"
	"testing"
)

func TestCacheable(t *testing.T) {
	t.Parallel()
	long := "SELECT a FROM t WHERE b IN (" + strings.Repeat("$1, ", maxQueryText/4) + "$1)"
	tests := []struct {
		query string
		args  int
		want  bool
	}{
		{"SELECT a FROM t WHERE b = $1", 1, true},
		{"  (SELECT a FROM t WHERE b = $1) UNION (SELECT a FROM u)", 1, true},
		{"with x as (select 1) select * from x where $1", 1, true},
		{"INSERT INTO t (a) VALUES ($1)", 1, true},
		{"UPDATE t SET a = $1", 1, true},
		{"DELETE FROM t WHERE a = $1", 1, true},
		{"SELECT count(*) FROM t", 0, false},                  // simple protocol
		{"SELECT pg_advisory_xact_lock($1)", 1, true},         // harmless
		{"CREATE TABLE t (a int)", 0, false},                  // DDL
		{"SET search_path = $1", 1, false},                    // not a row statement
		{"INSERT INTO t (a) VALUES ($1)", maxArgs + 1, false}, // a bulk insert
		{long, 1, false}, // a text too long to key on
	}
	for _, tc := range tests {
		if got := cacheable(tc.query, tc.args); got != tc.want {
			t.Errorf("cacheable(%.40q, %d) = %v, want %v", tc.query, tc.args, got, tc.want)
		}
	}
}
