package server

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestPanicLogCarriesRequestID checks that a recovered panic is logged with
// the request id, and the client gets INTERNAL.
func TestPanicLogCarriesRequestID(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := withRequestIDs(slog.New(slog.NewTextHandler(&buf, nil)))
	ctx := context.WithValue(context.Background(), requestKey{}, &requestInfo{id: "req-42"})
	err := recoverer(log)(ctx, "boom")
	if !strings.Contains(buf.String(), "request_id=req-42") || !strings.Contains(buf.String(), "boom") {
		t.Errorf("panic log %q lacks the request id or the panic", buf.String())
	}
	if !strings.Contains(err.Error(), "internal error") {
		t.Errorf("panic answered %v", err)
	}
	if withRequestIDs(log) != log {
		t.Error("request ids added twice")
	}
}
