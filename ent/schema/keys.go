package schema

import (
	"crypto/rand"
	"encoding/hex"
)

// newSourceKey gives an initiative created without a source key one of its
// own, so that every initiative can be exported and imported back without
// duplicates.
func newSourceKey() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "essaim-" + hex.EncodeToString(b)
}
