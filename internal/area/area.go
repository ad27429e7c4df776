// Package area provides the urban/rural classification of territories and the
// rule that derives it from the INSEE 7-level density grid.
//
// Rule (INSEE 2021 definition, adopted by the Comité interministériel aux
// ruralités): a commune is rural when its density level is 5, 6 or 7 ("peu
// dense" and "très peu dense" in the 4-level grid) and urban for levels 1 to 4.
// A territory above a commune is RURAL when the rural communes it contains hold
// at least half of the population of its classified communes.
package area

import (
	"fmt"
	"io"
	"strconv"
)

// Area is URBAN or RURAL.
type Area string

const (
	Urban Area = "URBAN"
	Rural Area = "RURAL"
)

// RuralThreshold is the rural population share from which a territory above a
// commune counts as rural.
const RuralThreshold = 0.5

// Values lists the areas; ent uses it for the enum column.
func (Area) Values() []string { return []string{string(Urban), string(Rural)} }

// IsRuralLevel reports whether a density level (1..7) is rural.
func IsRuralLevel(level int) bool { return level >= 5 && level <= 7 }

// ValidLevel reports whether level is on the 7-level grid.
func ValidLevel(level int) bool { return level >= 1 && level <= 7 }

// FromDensity classifies a commune by its density level.
func FromDensity(level int) Area {
	if IsRuralLevel(level) {
		return Rural
	}
	return Urban
}

// FromRuralShare classifies a territory above a commune by its rural share.
func FromRuralShare(share float64) Area {
	if share >= RuralThreshold {
		return Rural
	}
	return Urban
}

// MarshalGQL writes the enum value.
func (a Area) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(a))) }

// UnmarshalGQL reads the enum value.
func (a *Area) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("area must be a string, got %T", v)
	}
	switch Area(s) {
	case Urban, Rural:
		*a = Area(s)
		return nil
	}
	return fmt.Errorf("%q is not a valid Area (URBAN or RURAL)", s)
}
