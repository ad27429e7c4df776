package store

// MigrateThese applies the given migrations as Migrate applies the embedded
// ones: the tests migrate part of the way, then the rest.
var MigrateThese = applyAll
