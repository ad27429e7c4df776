// Package auth provides API keys (stored hashed, each with a role), the
// identity of a request, and the audit log of mutations.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/apikey"
)

// Role is what a key may do. Each role includes the ones before it.
type Role string

const (
	Reader Role = "READER" // queries
	Editor Role = "EDITOR" // queries and mutations
	Admin  Role = "ADMIN"  // everything, audit log included
)

// ParseRole reads a role name, case-insensitively.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToUpper(strings.TrimSpace(s))); r {
	case Reader, Editor, Admin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q: want READER, EDITOR or ADMIN", s)
}

func (r Role) rank() int {
	switch r {
	case Reader:
		return 1
	case Editor:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Allows reports whether r includes need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() && r.rank() > 0 }

// A token is "essaim_<key id>_<secret>": the key id (12 hex digits) is
// public and finds the key with one indexed lookup; the secret is 32 random
// bytes in unpadded base64url. Only the SHA-256 of the whole token is stored.
const (
	tokenPrefix = "essaim_"
	keyIDBytes  = 6
	secretBytes = 32
)

// ErrInvalidKey is returned for a token that is malformed, unknown or revoked;
// clients are not told which.
var ErrInvalidKey = errors.New("invalid API key")

// Key is an API key as listed (never with its secret or hash).
type Key struct {
	ID         string
	Name       string
	Role       Role
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

func keyOf(k *ent.APIKey) Key {
	return Key{ID: k.KeyID, Name: k.Name, Role: Role(k.Role), CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create makes a key and returns it with its token, which is not stored and
// cannot be shown again.
func Create(ctx context.Context, client *ent.Client, name string, role Role) (Key, string, error) {
	if _, err := ParseRole(string(role)); err != nil {
		return Key{}, "", err
	}
	if strings.TrimSpace(name) == "" {
		return Key{}, "", errors.New("a key needs a name")
	}
	id := make([]byte, keyIDBytes)
	secret := make([]byte, secretBytes)
	_, _ = rand.Read(id) // crypto/rand.Read never fails (Go ≥ 1.24)
	_, _ = rand.Read(secret)
	keyID := hex.EncodeToString(id)
	token := tokenPrefix + keyID + "_" + base64.RawURLEncoding.EncodeToString(secret)
	k, err := client.APIKey.Create().
		SetKeyID(keyID).SetName(name).SetRole(apikey.Role(role)).SetSecretHash(hashToken(token)).
		Save(ctx)
	if err != nil {
		return Key{}, "", fmt.Errorf("create API key: %w", err)
	}
	return keyOf(k), token, nil
}

// List returns every key, oldest first.
func List(ctx context.Context, client *ent.Client) ([]Key, error) {
	ks, err := client.APIKey.Query().Order(ent.Asc(apikey.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	out := make([]Key, len(ks))
	for i, k := range ks {
		out[i] = keyOf(k)
	}
	return out, nil
}

// Revoke revokes the key with this public id; revoking twice is harmless.
// It takes effect on the next request of every server: keys are looked up
// per request, never cached.
func Revoke(ctx context.Context, client *ent.Client, keyID string) error {
	n, err := client.APIKey.Update().
		Where(apikey.KeyID(keyID), apikey.RevokedAtIsNil()).
		SetRevokedAt(time.Now()).Save(ctx)
	if err != nil {
		return fmt.Errorf("revoke API key: %w", err)
	}
	if n == 0 {
		exists, err := client.APIKey.Query().Where(apikey.KeyID(keyID)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("revoke API key: %w", err)
		}
		if !exists {
			return fmt.Errorf("no API key has id %q", keyID)
		}
	}
	return nil
}

// lastUsedGranularity bounds the writes of last_used_at: at most one per key
// and minute, rather than one per request.
const lastUsedGranularity = time.Minute

// Keys authenticates tokens against the API keys of a store. It remembers
// when this process last recorded each key's use, so that the requests of a
// key that arrive together write last_used_at once, not each: on SQLite
// every such write waits for the single writer while holding a pooled
// connection.
type Keys struct {
	client  *ent.Client
	mu      sync.Mutex
	touched map[string]time.Time // by key ID; valid keys only, so bounded by the keys stored
}

// NewKeys authenticates against client's keys.
func NewKeys(client *ent.Client) *Keys {
	return &Keys{client: client, touched: map[string]time.Time{}}
}

// Authenticate returns the identity of a token: one indexed lookup. Any
// malformed, unknown or revoked token gives ErrInvalidKey; other errors are
// the database's.
func (ks *Keys) Authenticate(ctx context.Context, token string, now time.Time) (Principal, error) {
	client := ks.client
	keyID, ok := parseToken(token)
	if !ok {
		return Principal{}, ErrInvalidKey
	}
	k, err := client.APIKey.Query().Where(apikey.KeyID(keyID)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return Principal{}, ErrInvalidKey
	case err != nil:
		return Principal{}, fmt.Errorf("look up API key: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(k.SecretHash), []byte(hashToken(token))) != 1 || k.RevokedAt != nil {
		return Principal{}, ErrInvalidKey
	}
	if (k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= lastUsedGranularity) && ks.due(k.KeyID, now) {
		// Best effort: a failed write must not refuse a valid key.
		_ = client.APIKey.UpdateOne(k).SetLastUsedAt(now).Exec(ctx)
	}
	return Principal{KeyID: k.KeyID, Role: Role(k.Role)}, nil
}

// due reports whether this process should record keyID's use at now, and
// if so notes it.
func (ks *Keys) due(keyID string, now time.Time) bool {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if last, ok := ks.touched[keyID]; ok && now.Sub(last) < lastUsedGranularity {
		return false
	}
	ks.touched[keyID] = now
	return true
}

// parseToken returns the key id of a well-formed token.
func parseToken(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", false
	}
	keyID, secret, ok := strings.Cut(rest, "_")
	if !ok || len(keyID) != 2*keyIDBytes || len(secret) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return "", false
	}
	if _, err := hex.DecodeString(keyID); err != nil || strings.ToLower(keyID) != keyID {
		return "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", false
	}
	return keyID, true
}
