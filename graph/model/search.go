package model

// SearchResult is what a search edge holds: one of the ent nodes of the
// union (gqlgen binds the union to this interface, which they all satisfy).
type SearchResult interface{ IsNode() }
