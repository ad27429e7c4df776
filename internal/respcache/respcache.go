// Package respcache keeps whole GraphQL answers for as long as the data they
// were computed from is unchanged. Dashboards send the same few documents
// with the same variables again and again; every write that can change an
// answer bumps the database's graph version in its own transaction (package
// store), so an answer filed under a version stays exact until the version
// moves, and then the whole cache is dropped. Several servers on one database
// agree through the version, as the stats and actor-network caches do.
package respcache

import (
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

// Key identifies an answer: a hash of everything the answer depends on
// besides the data (document, operation name, variables, role).
type Key [sha256.Size]byte

// NewKey hashes the parts of a request; each part is length-prefixed, so
// that ("ab", "c") and ("a", "bc") differ.
func NewKey(parts ...string) Key {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// Cache is a least-recently-used set of answers (JSON bytes) of one graph
// version, bounded in bytes. It is safe for concurrent use.
type Cache struct {
	mu       sync.Mutex
	maxBytes int
	maxEntry int
	version  int64
	bytes    int
	order    *list.List // front: most recently used; values are *entry
	entries  map[Key]*list.Element
	hits     uint64
	misses   uint64
}

type entry struct {
	key  Key
	data []byte
}

// New keeps at most maxBytes of answers, none larger than maxBytes/16 (a
// few big answers must not evict every small one); nil when maxBytes <= 0.
func New(maxBytes int) *Cache {
	if maxBytes <= 0 {
		return nil
	}
	return &Cache{maxBytes: maxBytes, maxEntry: maxBytes / 16, order: list.New(), entries: map[Key]*list.Element{}}
}

// Get returns the answer filed under k at version v. A version newer than
// the cache's drops every answer; a request that read an older version (a
// write committed since) finds nothing.
func (c *Cache) Get(v int64, k Key) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(v)
	el, ok := c.entries[k]
	if !ok || c.version != v {
		c.misses++
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(el)
	return el.Value.(*entry).data, true
}

// Put files data, computed from the data at version v (read before
// computing), under k. The caller must not change data afterwards.
func (c *Cache) Put(v int64, k Key, data []byte) {
	if len(data) > c.maxEntry {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(v)
	if c.version != v {
		return // computed from an older version: already outdated
	}
	if _, dup := c.entries[k]; dup {
		return
	}
	c.entries[k] = c.order.PushFront(&entry{key: k, data: data})
	c.bytes += len(data)
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		e := last.Value.(*entry)
		c.order.Remove(last)
		delete(c.entries, e.key)
		c.bytes -= len(e.data)
	}
}

// advance drops everything when v is newer than the cache's version.
func (c *Cache) advance(v int64) {
	if v > c.version {
		c.version, c.bytes = v, 0
		c.order.Init()
		clear(c.entries)
	}
}

// Stats reports the hits and misses so far, and the bytes held.
func (c *Cache) Stats() (hits, misses uint64, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses, c.bytes
}
