package schema

import "regexp"

// slugPattern keeps slugs URL-safe and stable: lowercase words joined by dashes.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// websitePattern accepts absolute http(s) URLs only, so clients can link them safely.
var websitePattern = regexp.MustCompile(`^https?://[^\s/$.?#].[^\s]*$`)
