package server

import (
	"errors"
	"regexp"
	"strings"

	"github.com/lib/pq"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/store"
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
		field := store.FieldName(validation.Name)
		rule := errors.Unwrap(validation) // ent's wrapper around the validator's error
		if cause := errors.Unwrap(rule); cause != nil {
			return apierr.BadInput(field, "invalid value for %s: %v", field, cause), true
		}
		return apierr.BadInput(field, "%s is required", field), true
	}
	if !ent.IsConstraintError(err) {
		return nil, false
	}
	if field := takenField(err); field != "" {
		return apierr.BadInput(field, "%s: this value is already taken", field), true
	}
	if strings.Contains(err.Error(), "is already connected to a different") {
		// ent's refusal to link (addChildIDs of a theme): it says so whenever
		// fewer rows took the link than IDs were given, so for a child
		// another parent holds, an unknown ID, or a child already this one's.
		return apierr.New(apierr.BadUserInput,
			"an object given cannot be attached here: it does not exist, is already attached here, or another holds it (a theme's child has one parent: move it itself)"), true
	}
	return apierr.New(apierr.BadUserInput,
		"the change conflicts with existing data: a unique value is already taken or a referenced object does not exist"), true
}

var (
	// pgTakenKey reads the columns of PostgreSQL's detail of a unique
	// violation: Key (kind, code)=(DEPARTMENT, 58) already exists.
	pgTakenKey = regexp.MustCompile(`^Key \(([a-z_, ]+)\)=`)
	// sqliteTaken reads SQLite's: UNIQUE constraint failed: territories.kind, territories.code.
	sqliteTaken = regexp.MustCompile(`UNIQUE constraint failed: ((?:[a-z_]+\.[a-z_]+(?:, )?)+)`)
	sqliteTable = regexp.MustCompile(`[a-z_]+\.`)
)

// takenFields names the input field of a unique key of several columns: the
// one a client chooses (a territory's code within its kind, the actor of a
// participation within its initiative).
var takenFields = map[string]string{"kind,code": "code", "actor_id,initiative_id": "actorID"}

// takenField is the input field whose unique value err says is taken, or "".
func takenField(err error) string {
	var columns string
	if e := pq.As(err); e != nil {
		if e.Code != "23505" {
			return ""
		}
		m := pgTakenKey.FindStringSubmatch(e.Detail)
		if m == nil {
			return ""
		}
		columns = m[1]
	} else if m := sqliteTaken.FindStringSubmatch(err.Error()); m != nil {
		columns = sqliteTable.ReplaceAllString(m[1], "")
	} else {
		return ""
	}
	columns = strings.ReplaceAll(columns, " ", "")
	if field, ok := takenFields[columns]; ok {
		return field
	}
	if strings.Contains(columns, ",") {
		return ""
	}
	return store.FieldName(columns)
}
