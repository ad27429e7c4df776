package server

// statsBucketEstimate is how many buckets the cost estimate expects of a
// statistics call (a field with a groupBy argument) grouping by dims: the
// product of the values each dimension can take on the French territories,
// at most most (-max-stats-buckets, beyond which the call is refused). The
// buckets' own fields count once, as an unsized list's do (a grouping by
// commune is a map's ordinary query), but a sized list or connection below
// them (a key's territory { containedIn(first: 100) }) counts once per
// bucket: counted once, it let a query of estimated cost 9,000 return
// 250,000 objects.
func statsBucketEstimate(dims []any, most int) int {
	n := 1
	for _, d := range dims {
		name, _ := d.(string)
		n = min(satMul(n, dimensionValues(name)), most)
	}
	return n
}

// dimensionValues is the most distinct keys a statistics dimension gives,
// its "none" key included: the knowledge base's themes (assumed under 100,
// 20 roots) and France's régions, départements, EPCIs and communes.
func dimensionValues(dim string) int {
	switch dim {
	case "THEME", "START_YEAR":
		return 100
	case "THEME_ROOT", "TERRITORY_REGION":
		return 20
	case "TERRITORY_DEPARTMENT":
		return 102
	case "TERRITORY_EPCI":
		return 1300
	case "TERRITORY_COMMUNE":
		return 35000
	case "ACTOR_KIND":
		return 10
	case "STATUS":
		return 6
	case "ROLE":
		return 5
	case "AREA":
		return 3
	case "DENSITY_LEVEL":
		return 8
	}
	return 100 // a dimension added since: as a theme
}
