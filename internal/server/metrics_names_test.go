package server_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestMetricsLongOperationNames: an operation name is one token of up to
// 64 KiB; a client must not be able to turn the operation label into
// megabytes repeated on every line of /metrics (each name is on ~30 lines).
func TestMetricsLongOperationNames(t *testing.T) {
	t.Parallel()
	h, _, _ := oHandler(t, nil)
	for _, tc := range []struct {
		name  string
		label string
	}{
		{"Short", "Short"},
		{"Op" + strings.Repeat("x", 98), "Op" + strings.Repeat("x", 98)}, // 100 bytes: kept
		{"Long" + strings.Repeat("x", 20000), "other"},
		{"Longer" + strings.Repeat("y", 40000), "other"},
	} {
		hPost(fmt.Sprintf(`query %s { __typename }`, tc.name)).send(t, h)
		text := metricsText(t, h)
		if want := `essaim_graphql_requests_total{operation="` + tc.label + `",`; !strings.Contains(text, want) {
			t.Errorf("%.20s…: /metrics lacks %.80s", tc.name, want)
		}
		for line := range strings.SplitSeq(text, "\n") {
			if len(line) > 400 {
				t.Fatalf("%.20s…: /metrics line of %d bytes: %.120s…", tc.name, len(line), line)
			}
		}
	}
}
