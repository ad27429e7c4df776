package refdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Rows of the decoupage-administratif JSON files, limited to the fields this
// package reads. Field names follow the package (French).
type (
	regionRow struct {
		Code string `json:"code"`
		Nom  string `json:"nom"`
		Zone string `json:"zone"`
	}
	departementRow struct {
		Code   string `json:"code"`
		Region string `json:"region"`
		Nom    string `json:"nom"`
		Zone   string `json:"zone"`
	}
	communeRow struct {
		Code        string `json:"code"`
		Nom         string `json:"nom"`
		Type        string `json:"type"`
		Zone        string `json:"zone"`
		Departement string `json:"departement"`
		Population  int    `json:"population"` // absent -> 0, as documented on Territory
	}
	epciRow struct {
		index                int    // position in epci.json, for error messages
		Code                 string `json:"code"`
		Nom                  string `json:"nom"`
		PopulationMunicipale int    `json:"populationMunicipale"`
		Membres              []struct {
			Code string `json:"code"`
		} `json:"membres"`
	}
)

// Sentinels of decodeEntries: errSkip tells it to leave an entry out
// without failing; errNotArray reports input that does not start with '['.
var (
	errSkip     = errors.New("skip entry")
	errNotArray = errors.New("expected '['")
)

// decodeEntries streams the JSON array in in entry by entry, so that an
// error can name the entry index (0-based), and calls keep on each entry;
// keep returns errSkip to drop an entry or another error to fail.
func decodeEntries[T any](in input, keep func(i int, row *T) error) ([]T, error) {
	dec := json.NewDecoder(bytes.NewReader(in.data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: not a JSON array: %w", in.name, err)
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("%s: not a JSON array: %w, got %v", in.name, errNotArray, tok)
	}
	var rows []T
	for i := 0; dec.More(); i++ {
		var row T
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("%s: entry %d: %w", in.name, i, err)
		}
		switch err := keep(i, &row); {
		case errors.Is(err, errSkip):
			continue
		case err != nil:
			return nil, fmt.Errorf("%s: entry %d: %w", in.name, i, err)
		}
		rows = append(rows, row)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: end of array: %w", in.name, err)
	}
	return rows, nil
}

// keptZone reports whether a row of zone z belongs to the reference: see the
// package comment for why "com" is excluded. An unknown zone is an error
// rather than a guess.
func keptZone(z string) (bool, error) {
	switch z {
	case "metro", "drom":
		return true, nil
	case "com":
		return false, nil
	case "":
		return false, errors.New("missing zone")
	default:
		return false, fmt.Errorf("unknown zone %q", z)
	}
}

// filterZone returns errSkip for excluded zones, so keep funcs can chain it.
func filterZone(z string) error {
	ok, err := keptZone(z)
	if err != nil {
		return err
	}
	if !ok {
		return errSkip
	}
	return nil
}

// requireFields fails on the first empty value, naming its field.
func requireFields(fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			return fmt.Errorf("missing %s", fields[i])
		}
	}
	return nil
}

// uniqueCodes fails when a code is seen twice, so that maps keyed by code
// never silently drop a row.
type uniqueCodes map[string]bool

func (u uniqueCodes) add(code string) error {
	if u[code] {
		return fmt.Errorf("duplicate code %q", code)
	}
	u[code] = true
	return nil
}

func parseRegions(in input) ([]regionRow, error) {
	seen := uniqueCodes{}
	return decodeEntries(in, func(_ int, r *regionRow) error {
		if err := filterZone(r.Zone); err != nil {
			return err
		}
		if err := requireFields("code", r.Code, "nom", r.Nom); err != nil {
			return err
		}
		return seen.add(r.Code)
	})
}

// parseDepartements also checks that each département's région is known.
func parseDepartements(in input, regions uniqueCodes) ([]departementRow, error) {
	seen := uniqueCodes{}
	return decodeEntries(in, func(_ int, d *departementRow) error {
		if err := filterZone(d.Zone); err != nil {
			return err
		}
		if err := requireFields("code", d.Code, "nom", d.Nom, "region", d.Region); err != nil {
			return err
		}
		if !regions[d.Region] {
			return fmt.Errorf("département %s: unknown région %q", d.Code, d.Region)
		}
		return seen.add(d.Code)
	})
}

// parseCommunes keeps current communes of kept zones and checks that each
// one's département is known.
func parseCommunes(in input, departements uniqueCodes) ([]communeRow, error) {
	seen := uniqueCodes{}
	return decodeEntries(in, func(_ int, c *communeRow) error {
		if c.Type != "commune-actuelle" {
			return errSkip
		}
		if err := filterZone(c.Zone); err != nil {
			return err
		}
		if err := requireFields("code", c.Code, "nom", c.Nom, "departement", c.Departement); err != nil {
			return err
		}
		if !departements[c.Departement] {
			return fmt.Errorf("commune %s: unknown département %q", c.Code, c.Departement)
		}
		return seen.add(c.Code)
	})
}

// parseEPCIs keeps every EPCI; members are resolved later against the
// commune list (see linkEPCIs).
func parseEPCIs(in input) ([]epciRow, error) {
	seen := uniqueCodes{}
	return decodeEntries(in, func(i int, e *epciRow) error {
		e.index = i
		if err := requireFields("code", e.Code, "nom", e.Nom); err != nil {
			return err
		}
		for j, m := range e.Membres {
			if m.Code == "" {
				return fmt.Errorf("EPCI %s: member %d: missing code", e.Code, j)
			}
		}
		return seen.add(e.Code)
	})
}
