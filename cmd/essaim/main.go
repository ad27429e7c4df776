// Command essaim serves the Essaim knowledge base of social and solidarity
// economy initiatives over GraphQL, and loads reference data into it.
//
//	essaim serve                   run the server (embedded SQLite by default)
//	essaim import territories      load or refresh the French territories
//	essaim import actors FILE      import actors from CSV or JSON
//	essaim import initiatives FILE import initiatives from CSV or JSON
//	essaim export actors|initiatives  export as CSV, JSON or JSON-LD
//	essaim migrate                 apply pending migrations and exit
//	essaim seed synthetic          load a synthetic dataset for load tests
//	essaim trusted-documents build print a trusted-documents manifest
//	essaim apikey create|list|revoke|audit   manage API keys, read the audit log
//
// Every flag has an environment variable; see `essaim serve -h`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/essaim/essaim/internal/exchange"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		log.Fatal(err)
	}
}

const usage = `usage: essaim <command> [flags]

commands:
  serve                 serve GraphQL on -addr (default 127.0.0.1:8080)
  import territories    load or refresh the French territories
  import actors FILE    import actors from CSV or JSON (--dry-run, --report)
  import initiatives FILE
                        import initiatives from CSV or JSON (--dry-run, --report)
  export actors|initiatives
                        export as CSV, JSON or JSON-LD (--format, -o, filters)
  migrate               apply pending database migrations
  seed synthetic        load a deterministic synthetic dataset (load tests)
  trusted-documents build DIR
                        print the trusted-documents manifest of DIR/*.graphql
  apikey create|list|revoke|audit   manage API keys, read the audit log
`

// run executes the command in args. ready, if not nil, is called with the
// bound address once `serve` listens (tests pass -addr 127.0.0.1:0).
func run(ctx context.Context, args []string, ready func(addr string)) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], ready)
	case "import":
		switch {
		case len(args) >= 2 && args[1] == "territories":
			return importTerritories(ctx, args[2:])
		case len(args) >= 2 && (args[1] == "actors" || args[1] == "initiatives"):
			return importFile(ctx, exchange.Kind(args[1]), args[2:], os.Stdout)
		}
		return fmt.Errorf("usage: essaim import territories|actors|initiatives [flags]")
	case "export":
		return export(ctx, args[1:], os.Stdout)
	case "migrate":
		return migrate(ctx, args[1:])
	case "seed":
		return seedSynthetic(ctx, args[1:])
	case "trusted-documents":
		return trustedDocuments(args[1:])
	case "apikey":
		return apikey(ctx, args[1:], os.Stdout)
	case "-h", "--help", "help":
		fmt.Fprint(os.Stdout, usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}
