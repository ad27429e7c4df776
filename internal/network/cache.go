package network

import (
	"context"
	"sync"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/store"
)

// Cache keeps the latest Snapshot and rebuilds it when the database's graph
// version moves. One version read per request keeps every server instance in
// step with writes made through any other.
type Cache struct {
	client *ent.Client

	mu    sync.RWMutex
	snap  *Snapshot
	build sync.Mutex // one rebuild at a time; others wait for its result
}

// NewCache returns an empty cache over client.
func NewCache(client *ent.Client) *Cache { return &Cache{client: client} }

// Get returns a snapshot at least as recent as the database's graph version.
func (c *Cache) Get(ctx context.Context) (*Snapshot, error) {
	v, err := store.GraphVersion(ctx, c.client)
	if err != nil {
		return nil, err
	}
	if s := c.current(); s != nil && s.Version >= v {
		return s, nil
	}
	c.build.Lock()
	defer c.build.Unlock()
	if s := c.current(); s != nil && s.Version >= v {
		return s, nil
	}
	// Every request from now on needs the new version: drop the old
	// snapshot so that it can be collected once the requests holding it end,
	// instead of two whole networks being live during the build (issue #6,
	// server memory).
	c.mu.Lock()
	c.snap = nil
	c.mu.Unlock()
	s, err := Build(ctx, c.client, v)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.snap = s
	c.mu.Unlock()
	return s, nil
}

func (c *Cache) current() *Snapshot {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.snap
}
