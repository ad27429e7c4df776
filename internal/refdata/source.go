package refdata

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

//go:embed data/*.gz
var embedded embed.FS

// Embedded file names, relative to data/.
const (
	communesFile     = "communes.json"
	epciFile         = "epci.json"
	departementsFile = "departements.json"
	regionsFile      = "regions.json"
	densityFile      = "insee-grille-densite-7-niveaux-2024.csv"
)

// Provenance of the embedded files, for Dataset.Sources.
const (
	packageSource = "@etalab/decoupage-administratif 6.0.0 (MIT licence, Etalab)"
	densitySource = "INSEE, Grille communale de densité à 7 niveaux 2024 (Licence Ouverte / Etalab 2.0)"
)

// input is one file to parse: its content and how to name it in errors.
type input struct {
	name   string // "communes.json" when embedded, else the path given
	source string // provenance line
	data   []byte
}

// readInput returns the file at p, or the embedded file named base when p is
// empty. Both are gunzipped when their name ends in ".gz" (embedded ones
// always do).
func readInput(p, base, provenance string) (input, error) {
	if p == "" {
		raw, err := embedded.ReadFile(path.Join("data", base+".gz"))
		if err != nil {
			return input{}, fmt.Errorf("%s: embedded copy: %w", base, err)
		}
		data, err := gunzip(raw)
		if err != nil {
			return input{}, fmt.Errorf("%s: embedded copy: %w", base, err)
		}
		return input{name: base, source: fmt.Sprintf("%s: %s (embedded)", base, provenance), data: data}, nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return input{}, fmt.Errorf("%s: %w", base, err)
	}
	if strings.HasSuffix(p, ".gz") {
		if data, err = gunzip(data); err != nil {
			return input{}, fmt.Errorf("%s: %w", p, err)
		}
	}
	return input{name: p, source: fmt.Sprintf("%s: file %s", base, p), data: data}, nil
}

func gunzip(raw []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	defer zr.Close()
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	return data, nil
}
