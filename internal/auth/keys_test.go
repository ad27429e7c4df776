package auth

import (
	"strings"
	"testing"
)

func TestParseToken(t *testing.T) {
	secret := strings.Repeat("a", 43)
	tests := []struct {
		token string
		ok    bool
	}{
		{"essaim_0123456789ab_" + secret, true},
		{"essaim_0123456789ab_" + strings.Repeat("-_", 21) + "A", true},
		{"", false},
		{"essaim_", false},
		{"Essaim_0123456789ab_" + secret, false},
		{"essaim_0123456789AB_" + secret, false}, // key ids are lower case
		{"essaim_0123456789a_" + secret, false},
		{"essaim_0123456789abc_" + secret, false},
		{"essaim_0123456789ab_" + secret[:42], false},
		{"essaim_0123456789ab_" + secret + "a", false},
		{"essaim_0123456789ab_" + secret[:42] + "=", false},
		{"essaim_' OR 1=1 --_" + secret, false},
	}
	for _, tc := range tests {
		if _, ok := parseToken(tc.token); ok != tc.ok {
			t.Errorf("parseToken(%q) ok = %v, want %v", tc.token, ok, tc.ok)
		}
	}
}

func TestRoles(t *testing.T) {
	for _, s := range []string{"reader", "EDITOR", " Admin "} {
		if _, err := ParseRole(s); err != nil {
			t.Errorf("ParseRole(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "OWNER", "ROOT"} {
		if _, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q) succeeded", s)
		}
	}
	allows := map[Role][]bool{ // READER, EDITOR, ADMIN
		"":     {false, false, false},
		Reader: {true, false, false},
		Editor: {true, true, false},
		Admin:  {true, true, true},
	}
	for r, want := range allows {
		for i, need := range []Role{Reader, Editor, Admin} {
			if got := r.Allows(need); got != want[i] {
				t.Errorf("%q.Allows(%s) = %v", r, need, got)
			}
		}
	}
}
