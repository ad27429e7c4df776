package server

import (
	"net/http"
	"strings"

	"github.com/essaim/essaim/internal/network"
)

// noCache makes a request with Cache-Control: no-cache or max-age=0 strict
// for the actor network: it sees every write committed before it, whatever
// the staleness bound (a client reading back what it has just written).
func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wantsFresh(r.Header.Values("Cache-Control")) {
			r = r.WithContext(network.Strict(r.Context()))
		}
		h.ServeHTTP(w, r)
	})
}

func wantsFresh(values []string) bool {
	for _, v := range values {
		for d := range strings.SplitSeq(v, ",") {
			switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(d), " ", "")) {
			case "no-cache", "max-age=0":
				return true
			}
		}
	}
	return false
}
