// Package siren validates French SIREN company numbers.
package siren

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every validation failure.
var ErrInvalid = errors.New("invalid SIREN")

// Validate checks that s is 9 digits with a valid Luhn checksum, as INSEE
// assigns them.
func Validate(s string) error {
	if len(s) != 9 {
		return fmt.Errorf("%w: %q must have exactly 9 digits", ErrInvalid, s)
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: %q must contain only digits", ErrInvalid, s)
		}
		d := int(c - '0')
		// Luhn: double every second digit counting from the right (index 1, 3, 5, 7 from the left).
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return fmt.Errorf("%w: %q fails the checksum", ErrInvalid, s)
	}
	return nil
}
