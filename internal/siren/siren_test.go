package siren

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"356000000", true}, // La Poste
		{"732829320", true}, // a checksum-valid number
		{"356000001", false},
		{"35600000", false},
		{"3560000000", false},
		{"35600000A", false},
		{"", false},
	}
	for _, tt := range tests {
		err := Validate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", tt.in, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate(%q) error %v does not wrap ErrInvalid", tt.in, err)
		}
	}
}
