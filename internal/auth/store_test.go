package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// TestKeysOnStores: keys authenticate until revoked, store only a hash, and
// neither they nor audit entries bump the graph version (the network cache
// must not be rebuilt because a key was used).
func TestKeysOnStores(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		v0, err := store.GraphVersion(ctx, st.Client)
		if err != nil {
			t.Fatal(err)
		}
		k, token, err := auth.Create(ctx, st.Client, "app", auth.Editor)
		if err != nil {
			t.Fatal(err)
		}
		row, err := st.Client.APIKey.Query().Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if row.SecretHash == token || len(row.SecretHash) != 64 {
			t.Errorf("stored secret %q is not a SHA-256 of the token", row.SecretHash)
		}
		p, err := auth.Authenticate(ctx, st.Client, token, time.Now())
		if err != nil || p.KeyID != k.ID || p.Role != auth.Editor {
			t.Fatalf("Authenticate = %+v, %v", p, err)
		}
		if err := auth.Record(ctx, st.Client, auth.Entry{KeyID: k.ID, Field: "createTheme"}); err != nil {
			t.Fatal(err)
		}
		if err := auth.Revoke(ctx, st.Client, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Authenticate(ctx, st.Client, token, time.Now()); !errors.Is(err, auth.ErrInvalidKey) {
			t.Errorf("revoked key: %v, want ErrInvalidKey", err)
		}
		if v, err := store.GraphVersion(ctx, st.Client); err != nil || v != v0 {
			t.Errorf("graph version %d → %d (%v): key and audit writes must not bump it", v0, v, err)
		}
	})
}
