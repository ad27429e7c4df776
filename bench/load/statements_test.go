package main

import (
	"strings"
	"testing"

	"github.com/essaim/essaim/bench/workload"
)

func TestParseStatements(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		text                 string
		operation            string
		statements, requests int64
		fails                bool
	}{
		{"no series yet", "# HELP go_goroutines …\ngo_goroutines 12\n", "", 0, 0, false},
		{"every operation summed", `# TYPE essaim_graphql_sql_statements histogram
essaim_graphql_sql_statements_bucket{operation="Dashboard",le="4"} 1
essaim_graphql_sql_statements_bucket{operation="Dashboard",le="+Inf"} 3
essaim_graphql_sql_statements_sum{operation="Dashboard"} 15
essaim_graphql_sql_statements_count{operation="Dashboard"} 3
essaim_graphql_sql_statements_sum{operation="Node"} 1e+06
essaim_graphql_sql_statements_count{operation="Node"} 1e+06
essaim_graphql_request_duration_seconds_sum{operation="Node"} 42.5
`, "", 1_000_015, 1_000_003, false},
		{"a longer name, a label with a space, a timestamp", `essaim_graphql_sql_statements_sum_other{operation="X"} 7
essaim_graphql_sql_statements_sum{operation="A B"} 4 1732760000000
essaim_graphql_sql_statements_count{operation="A B"} 2 1732760000000
`, "", 4, 2, false},
		{"a value that is no number", "essaim_graphql_sql_statements_sum{operation=\"X\"} many\n", "", 0, 0, true},
		{"a value that is not finite", "essaim_graphql_sql_statements_count{operation=\"X\"} NaN\n", "", 0, 0, true},
		{"one operation's series", `essaim_graphql_sql_statements_sum{operation="Dashboard"} 15
essaim_graphql_sql_statements_count{operation="Dashboard"} 3
essaim_graphql_sql_statements_sum{operation="DashboardRuralTheme"} 50
essaim_graphql_sql_statements_count{operation="DashboardRuralTheme"} 10
essaim_graphql_sql_statements_sum{le="1",operation="Node"} 9
essaim_graphql_sql_statements_count{operation="Node"} 9
`, "Dashboard", 15, 3, false},
		{"an operation's label after another", `essaim_graphql_sql_statements_sum{le="1",operation="Node"} 9
essaim_graphql_sql_statements_count{le="1",operation="Node"} 9
`, "Node", 9, 9, false},
		{"an operation without series", `essaim_graphql_sql_statements_sum{operation="Node"} 9
`, "Dashboard", 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, n, err := parseStatements(strings.NewReader(tc.text), tc.operation)
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v, want failure %v", err, tc.fails)
			}
			if !tc.fails && (s != tc.statements || n != tc.requests) {
				t.Errorf("got %d statements over %d requests, want %d over %d", s, n, tc.statements, tc.requests)
			}
		})
	}
}

// TestOperationNames: every workload operation has a name, the server's
// label for its requests.
func TestOperationNames(t *testing.T) {
	for _, tc := range []struct{ document, want string }{
		{"# A comment.\nquery Dashboard {\n  initiatives { totalCount }\n}\n", "Dashboard"},
		{"mutation CreateInitiative($t: ID!) { createInitiative { id } }", "CreateInitiative"},
		{"{ node(id: 1) { id } }", ""},
	} {
		if got := operationName(tc.document); got != tc.want {
			t.Errorf("operationName(%.30q) = %q, want %q", tc.document, got, tc.want)
		}
	}
	for _, op := range workload.Ops {
		if operationName(op.Query()) == "" {
			t.Errorf("%s: no operation name", op.Name)
		}
	}
}
