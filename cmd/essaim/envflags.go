package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
)

// envName finds the environment variable a flag's usage names, as in
// "… (env ESSAIM_DEMO)".
var envName = regexp.MustCompile(`\(env ([A-Z][A-Z0-9_]*)\)`)

// parseFlags parses args, then checks every environment variable a flag
// reads: the env helpers fall back to the default on a value they cannot
// parse, and a setting that silently falls back (ESSAIM_ANONYMOUS_READ=off
// leaving anonymous reads on) must stop the program instead. A valid value
// is set again, which changes nothing; a flag given on the command line
// wins and its variable is not read.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	return checkEnv(fs)
}

// checkEnv sets again, from its environment variable, every flag not given
// on the command line (see parseFlags).
func checkEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		m := envName.FindStringSubmatch(f.Usage)
		if err != nil || given[f.Name] || m == nil {
			return
		}
		if v, ok := os.LookupEnv(m[1]); ok && v != "" {
			if setErr := f.Value.Set(v); setErr != nil {
				err = fmt.Errorf("%s=%q is not a valid value for -%s: %w", m[1], v, f.Name, setErr)
			}
		}
	})
	return err
}
