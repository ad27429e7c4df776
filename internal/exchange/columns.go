package exchange

import (
	"fmt"
	"strings"

	"github.com/essaim/essaim/ent/territory"
)

// The column sets, in export order. Imports take them in any order; only
// the required ones must be present, and a missing optional column leaves
// that field of existing rows unchanged.
var (
	actorColumns      = []string{"siren", "name", "kind", "description", "website", "source", "home_territory", "territories", "themes"}
	initiativeColumns = []string{"key", "title", "summary", "description", "status", "start_date", "end_date", "source", "territories", "themes", "actors"}
	requiredColumns   = map[Kind][]string{Actors: {"name", "kind"}, Initiatives: {"key", "title"}}
	// listColumns hold several items separated by listSep.
	listColumns = map[string]bool{"territories": true, "themes": true, "actors": true}
)

// Columns returns the column set of a kind, in export order.
func Columns(k Kind) []string {
	if k == Actors {
		return actorColumns
	}
	return initiativeColumns
}

// listSep separates the items of a list cell: "commune:58194|epci:245804406".
const listSep = "|"

// splitList splits a list cell, dropping blank items.
func splitList(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, listSep) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// territoryKinds maps the kind words of territory references ("commune:58194")
// to territory kinds; French spellings are accepted too.
var territoryKinds = map[string]territory.Kind{
	"country": territory.KindCOUNTRY, "pays": territory.KindCOUNTRY,
	"region": territory.KindREGION, "région": territory.KindREGION,
	"department": territory.KindDEPARTMENT, "departement": territory.KindDEPARTMENT, "département": territory.KindDEPARTMENT,
	"epci":    territory.KindEPCI,
	"commune": territory.KindCOMMUNE,
}

// territoryRef is a territory named by kind and official code.
type territoryRef struct {
	Kind territory.Kind
	Code string
}

func (r territoryRef) String() string { return strings.ToLower(string(r.Kind)) + ":" + r.Code }

func parseTerritoryRef(s string) (territoryRef, error) {
	word, code, ok := strings.Cut(s, ":")
	kind, known := territoryKinds[strings.ToLower(strings.TrimSpace(word))]
	code = strings.TrimSpace(code)
	if !ok || code == "" {
		return territoryRef{}, fmt.Errorf("%q is not a territory reference: write kind:code, e.g. commune:58194, epci:245804406, department:58", s)
	}
	if !known {
		return territoryRef{}, fmt.Errorf("%q: unknown territory kind %q (use commune, epci, department, region or country)", s, word)
	}
	return territoryRef{Kind: kind, Code: code}, nil
}
