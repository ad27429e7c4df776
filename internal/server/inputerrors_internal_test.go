package server

import (
	"errors"
	"testing"

	"github.com/lib/pq"
)

// TestTakenField reads the input field of a unique value taken from each
// store's error, for keys of one column and of several.
func TestTakenField(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"postgres, one column", &pq.Error{Code: "23505", Detail: "Key (slug)=(food) already exists."}, "slug"},
		{"postgres, a column in two words", &pq.Error{Code: "23505", Detail: "Key (source_key)=(k-1) already exists."}, "sourceKey"},
		{"postgres, a territory's code", &pq.Error{Code: "23505", Detail: "Key (kind, code)=(DEPARTMENT, 58) already exists."}, "code"},
		{"postgres, a participation", &pq.Error{Code: "23505", Detail: "Key (actor_id, initiative_id)=(1, 2) already exists."}, "actorID"},
		{"postgres, an unknown key of two columns", &pq.Error{Code: "23505", Detail: "Key (a, b)=(1, 2) already exists."}, ""},
		{"postgres, a foreign key", &pq.Error{Code: "23503", Detail: "Key (theme_id)=(9) is not present in table \"themes\"."}, ""},
		{"sqlite, one column", errors.New("constraint failed: UNIQUE constraint failed: actors.siren (2067)"), "siren"},
		{"sqlite, a territory's code", errors.New("UNIQUE constraint failed: territories.kind, territories.code"), "code"},
		{"sqlite, a participation", errors.New("UNIQUE constraint failed: participations.actor_id, participations.initiative_id"), "actorID"},
		{"sqlite, a foreign key", errors.New("FOREIGN KEY constraint failed"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := takenField(tt.err); got != tt.want {
				t.Errorf("takenField(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}
