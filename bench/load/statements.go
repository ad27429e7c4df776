package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// statementsFromMetrics reads, from the server's /metrics, how many SQL
// statements its GraphQL requests of one operation (by its GraphQL name; ""
// for all) have sent and how many requests that was (the histogram
// essaim_graphql_sql_statements, which the server's request middleware fills
// from each request's own count, labelled with the operation's name). Read
// before and after a phase, it gives the SQL statements per request of a
// server running as its own process, as the harness's middleware counts them
// in process; a request of another operation still running does not count.
func statementsFromMetrics(base string) func(operation string) (statements, requests int64, err error) {
	c := &http.Client{Timeout: 10 * time.Second}
	return func(operation string) (int64, int64, error) {
		resp, err := c.Get(base + "/metrics")
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("/metrics: status %d", resp.StatusCode)
		}
		return parseStatements(resp.Body, operation)
	}
}

// parseStatements sums the _sum and _count series of
// essaim_graphql_sql_statements in a Prometheus text exposition: those of
// operation, or of all operations when operation is "".
func parseStatements(r io.Reader, operation string) (statements, requests int64, err error) {
	const metric = "essaim_graphql_sql_statements"
	label := `operation="` + operation + `"`
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var into *int64
		switch {
		case strings.HasPrefix(line, metric+"_sum{"), strings.HasPrefix(line, metric+"_sum "):
			into = &statements
		case strings.HasPrefix(line, metric+"_count{"), strings.HasPrefix(line, metric+"_count "):
			into = &requests
		default:
			continue
		}
		if operation != "" && !hasLabel(line, label) {
			continue
		}
		// The value follows the label set (whose values may hold spaces);
		// a timestamp may follow it.
		rest := line[strings.LastIndexByte(line, '}')+1:]
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, 0, fmt.Errorf("%s: no value", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			err = fmt.Errorf("not a finite number")
		}
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", line, err)
		}
		*into += int64(v)
	}
	return statements, requests, sc.Err()
}

// hasLabel tells whether line's label set holds label (name="value"; the
// values looked for are GraphQL names, which hold no comma).
func hasLabel(line, label string) bool {
	open, end := strings.IndexByte(line, '{'), strings.LastIndexByte(line, '}')
	if open < 0 || end < open {
		return false
	}
	for part := range strings.SplitSeq(line[open+1:end], ",") {
		if part == label {
			return true
		}
	}
	return false
}

// operationName is the name of the first operation a GraphQL document
// defines ("" when it has none or does not parse), the server's label for
// its requests.
func operationName(document string) string {
	d, err := parser.ParseQuery(&ast.Source{Input: document})
	if err != nil || len(d.Operations) == 0 {
		return ""
	}
	return d.Operations[0].Name
}
