package store

import "testing"

func TestPostgresDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://u@h/db", "postgres://u@h/db?binary_parameters=yes&jit=off"},
		{"postgres://u@h/db?sslmode=disable", "postgres://u@h/db?binary_parameters=yes&jit=off&sslmode=disable"},
		{"postgres://u@h/db?jit=on", "postgres://u@h/db?binary_parameters=yes&jit=on"},
		{"postgres://u@h/db?binary_parameters=no", "postgres://u@h/db?binary_parameters=no&jit=off"},
	}
	for _, tt := range tests {
		if got := postgresDSN(tt.in); got != tt.want {
			t.Errorf("postgresDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
