package server

import (
	"net/http"
	"slices"
)

// cors lets browsers on the given origins call h ("*": any origin). With no
// origin, h is returned as is: no CORS header, and browsers keep the
// same-origin policy. A preflight (OPTIONS with
// Access-Control-Request-Method) is answered here, 204, with the allowed
// methods and headers when the origin is allowed, without them otherwise.
// Credentials are never allowed: the API has no cookies.
func cors(origins []string, h http.Handler) http.Handler {
	if len(origins) == 0 {
		return h
	}
	anyOrigin := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed := origin != "" && (anyOrigin || slices.Contains(origins, origin))
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", exposedHeaders)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed {
				w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
				w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, Cache-Control, GraphQL-Require-Preflight, Apollo-Require-Preflight")
				w.Header().Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.ServeHTTP(w, r)
	})
}
