package network

import "context"

// WithBuild replaces the rebuild (tests count, hold or fail rebuilds with it).
func WithBuild(build func(ctx context.Context, client func(context.Context, int64) (*Snapshot, error), version int64) (*Snapshot, error)) Option {
	return func(c *Cache) {
		inner := c.build
		c.build = func(ctx context.Context, v int64) (*Snapshot, error) {
			return build(ctx, func(ctx context.Context, v int64) (*Snapshot, error) { return inner(ctx, v) }, v)
		}
	}
}
