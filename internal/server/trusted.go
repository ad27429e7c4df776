package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/essaim/essaim/internal/apierr"
)

// TrustedDocuments is an allow-list of GraphQL documents: a manifest maps
// the SHA-256 (hex) of each document's exact text to that text.
type TrustedDocuments struct {
	docs  map[string]string
	names []string // the named operations, sorted, once each
}

// DocumentHash is the manifest key of a document: the SHA-256 of its exact
// text, in lower-case hex (what `sha256sum` prints).
func DocumentHash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// NewTrustedDocuments checks a manifest: every key must be its document's
// hash and every document must parse.
func NewTrustedDocuments(manifest map[string]string) (*TrustedDocuments, error) {
	t := &TrustedDocuments{docs: make(map[string]string, len(manifest))}
	for hash, doc := range manifest {
		if got := DocumentHash(doc); got != strings.ToLower(hash) {
			return nil, fmt.Errorf("trusted document %s: the document's SHA-256 is %s", hash, got)
		}
		d, err := parser.ParseQuery(&ast.Source{Input: doc})
		if err != nil {
			return nil, fmt.Errorf("trusted document %s: %w", hash, err)
		}
		t.docs[strings.ToLower(hash)] = doc
		for _, op := range d.Operations {
			if op.Name != "" {
				t.names = append(t.names, op.Name)
			}
		}
	}
	slices.Sort(t.names)
	t.names = slices.Compact(t.names)
	return t, nil
}

// LoadTrustedDocuments reads a JSON manifest {"<sha256>": "<document>", …}.
func LoadTrustedDocuments(path string) (*TrustedDocuments, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read trusted documents: %w", err)
	}
	var manifest map[string]string
	if err := json.Unmarshal(b, &manifest); err != nil {
		return nil, fmt.Errorf("trusted documents %s: not a JSON object of hash to document: %w", path, err)
	}
	td, err := NewTrustedDocuments(manifest)
	if err != nil {
		return nil, fmt.Errorf("trusted documents %s: %w", path, err)
	}
	return td, nil
}

// BuildManifest makes the manifest of the .graphql files of dir, each file
// one document, taken byte for byte.
func BuildManifest(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .graphql file in %s", dir)
	}
	manifest := make(map[string]string, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		if _, err := parser.ParseQuery(&ast.Source{Name: f, Input: string(b)}); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		manifest[DocumentHash(string(b))] = string(b)
	}
	return manifest, nil
}

// Len is the number of documents.
func (t *TrustedDocuments) Len() int { return len(t.docs) }

// operationNames lists the named operations of the documents.
func (t *TrustedDocuments) operationNames() []string { return t.names }

func notAllowed() *gqlerror.Error {
	return apierr.GraphQL(apierr.PersistedQueryNotAllowed,
		"this server runs trusted documents only: the document is not in its list")
}

// trustedOnly replaces automatic persisted queries when trusted documents
// are on: a request names a document by its hash (the persistedQuery
// extension) or sends its full text, and anything not in the list is
// refused before it is parsed.
type trustedOnly struct{ docs *TrustedDocuments }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = trustedOnly{}

func (trustedOnly) ExtensionName() string                   { return "TrustedDocuments" }
func (trustedOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (t trustedOnly) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash := persistedHash(p.Extensions)
	if p.Query != "" {
		queryHash := DocumentHash(p.Query)
		if hash != "" && hash != queryHash {
			return apierr.GraphQL(apierr.BadRequest, "the persisted query hash does not match the query")
		}
		hash = queryHash
	}
	doc, ok := t.docs.docs[hash]
	if !ok {
		return notAllowed()
	}
	p.Query = doc
	return nil
}

// persistedHash is extensions.persistedQuery.sha256Hash, lower-cased, or "".
func persistedHash(ext map[string]any) string {
	pq, _ := ext["persistedQuery"].(map[string]any)
	h, _ := pq["sha256Hash"].(string)
	return strings.ToLower(h)
}
