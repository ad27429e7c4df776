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
		p, err := auth.NewKeys(st.Client).Authenticate(ctx, token, time.Now())
		if err != nil || p.KeyID != k.ID || p.Role != auth.Editor {
			t.Fatalf("Authenticate = %+v, %v", p, err)
		}
		if err := auth.Record(ctx, st.Client, auth.Entry{KeyID: k.ID, Field: "createTheme"}); err != nil {
			t.Fatal(err)
		}
		if err := auth.Revoke(ctx, st.Client, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.NewKeys(st.Client).Authenticate(ctx, token, time.Now()); !errors.Is(err, auth.ErrInvalidKey) {
			t.Errorf("revoked key: %v, want ErrInvalidKey", err)
		}
		if v, err := store.GraphVersion(ctx, st.Client); err != nil || v != v0 {
			t.Errorf("graph version %d → %d (%v): key and audit writes must not bump it", v0, v, err)
		}
	})
}

// TestLastUsedWrittenOncePerMinute: the requests of one key that arrive
// together (all reading a stale last_used_at) record its use once per
// minute and process, not each.
func TestLastUsedWrittenOncePerMinute(t *testing.T) {
	st := dbtest.SQLite(t)
	ctx := context.Background()
	_, token, err := auth.Create(ctx, st.Client, "app", auth.Reader)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	stale := t0.Add(-time.Hour)
	server, other := auth.NewKeys(st.Client), auth.NewKeys(st.Client)
	steps := []struct {
		name string
		keys *auth.Keys
		at   time.Time
		want time.Time // last_used_at afterwards
	}{
		{"first use", server, t0, t0},
		{"a second later, last_used_at read stale", server, t0.Add(time.Second), stale},
		{"another process", other, t0.Add(2 * time.Second), t0.Add(2 * time.Second)},
		{"a minute later", server, t0.Add(time.Minute), t0.Add(time.Minute)},
	}
	for _, s := range steps {
		// Every request of the burst read the stored value before any wrote.
		st.Client.APIKey.Update().SetLastUsedAt(stale).ExecX(ctx)
		if _, err := s.keys.Authenticate(ctx, token, s.at); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		row := st.Client.APIKey.Query().OnlyX(ctx)
		if row.LastUsedAt == nil || !row.LastUsedAt.Equal(s.want) {
			t.Errorf("%s: last_used_at %v, want %v", s.name, row.LastUsedAt, s.want)
		}
	}
}
