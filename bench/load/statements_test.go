package main

import (
	"strings"
	"testing"
)

func TestParseStatements(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		text                 string
		statements, requests int64
		fails                bool
	}{
		{"no series yet", "# HELP go_goroutines …\ngo_goroutines 12\n", 0, 0, false},
		{"every operation summed", `# TYPE essaim_graphql_sql_statements histogram
essaim_graphql_sql_statements_bucket{operation="Dashboard",le="4"} 1
essaim_graphql_sql_statements_bucket{operation="Dashboard",le="+Inf"} 3
essaim_graphql_sql_statements_sum{operation="Dashboard"} 15
essaim_graphql_sql_statements_count{operation="Dashboard"} 3
essaim_graphql_sql_statements_sum{operation="Node"} 1e+06
essaim_graphql_sql_statements_count{operation="Node"} 1e+06
essaim_graphql_request_duration_seconds_sum{operation="Node"} 42.5
`, 1_000_015, 1_000_003, false},
		{"a longer name, a label with a space, a timestamp", `essaim_graphql_sql_statements_sum_other{operation="X"} 7
essaim_graphql_sql_statements_sum{operation="A B"} 4 1732760000000
essaim_graphql_sql_statements_count{operation="A B"} 2 1732760000000
`, 4, 2, false},
		{"a value that is no number", "essaim_graphql_sql_statements_sum{operation=\"X\"} many\n", 0, 0, true},
		{"a value that is not finite", "essaim_graphql_sql_statements_count{operation=\"X\"} NaN\n", 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, n, err := parseStatements(strings.NewReader(tc.text))
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v, want failure %v", err, tc.fails)
			}
			if !tc.fails && (s != tc.statements || n != tc.requests) {
				t.Errorf("got %d statements over %d requests, want %d over %d", s, n, tc.statements, tc.requests)
			}
		})
	}
}
