package store

import "testing"

func TestPostgresDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u@h/db", "postgres://u@h/db?jit=off"},
		{"postgres://u@h/db?sslmode=disable", "postgres://u@h/db?jit=off&sslmode=disable"},
		{"postgres://u@h/db?jit=on", "postgres://u@h/db?jit=on"},
	}
	for _, tt := range tests {
		if got := postgresDSN(tt.in); got != tt.want {
			t.Errorf("postgresDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
