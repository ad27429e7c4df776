package server

import (
	"errors"
	"regexp"
	"strings"

	"github.com/lib/pq"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
)

// inputError turns ent's refusals of a client's input into input errors
// naming the input field at fault in extensions.field, with the rule's own
// words and none of ent's ("ent: validator failed for field \"Actor.siren\""):
//   - a field validator's error: invalid value for siren: invalid SIREN…;
//   - a unique value already taken (a slug, a SIREN, a source key), read
//     from the database's error, as two requests at once can both pass a
//     check made before the write.
//
// A reference to a missing object (a foreign key) names no field: SQLite's
// error does not say which.
func inputError(err error) (*apierr.Error, bool) {
	var validation *ent.ValidationError
	if errors.As(err, &validation) {
		field := lowerCamel(validation.Name)
		rule := errors.Unwrap(validation) // ent's wrapper around the validator's error
		if cause := errors.Unwrap(rule); cause != nil {
			return apierr.BadInput(field, "invalid value for %s: %v", field, cause), true
		}
		return apierr.BadInput(field, "%s is required", field), true
	}
	if !ent.IsConstraintError(err) {
		return nil, false
	}
	if column := takenColumn(err); column != "" {
		field := lowerCamel(column)
		return apierr.BadInput(field, "%s: this value is already taken", field), true
	}
	return apierr.New(apierr.BadUserInput,
		"the change conflicts with existing data: a unique value is already taken or a referenced object does not exist"), true
}

var (
	// pgTakenKey reads the first column of PostgreSQL's detail of a unique
	// violation: Key (siren)=(552100554) already exists.
	pgTakenKey = regexp.MustCompile(`^Key \(([a-z_]+)`)
	// sqliteTaken reads SQLite's: UNIQUE constraint failed: actors.siren.
	sqliteTaken = regexp.MustCompile(`UNIQUE constraint failed: [a-z_]+\.([a-z_]+)`)
)

// takenColumn is the column whose unique value err says is taken, or "".
func takenColumn(err error) string {
	if e := pq.As(err); e != nil {
		if e.Code != "23505" {
			return ""
		}
		if m := pgTakenKey.FindStringSubmatch(e.Detail); m != nil {
			return m[1]
		}
		return ""
	}
	if m := sqliteTaken.FindStringSubmatch(err.Error()); m != nil && strings.Contains(err.Error(), "UNIQUE") {
		return m[1]
	}
	return ""
}
