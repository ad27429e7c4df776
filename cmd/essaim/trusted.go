package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/essaim/essaim/internal/server"
)

// loadTrustedDocuments reads the manifest named by -trusted-documents.
func loadTrustedDocuments(c *config, log *slog.Logger) error {
	if c.trustedDocuments == "" {
		return nil
	}
	td, err := server.LoadTrustedDocuments(c.trustedDocuments)
	if err != nil {
		return err
	}
	c.server.TrustedDocuments = td
	log.Info("trusted documents only", "file", c.trustedDocuments, "documents", td.Len())
	return nil
}

// trustedDocuments runs `essaim trusted-documents build [-o FILE] DIR`: the
// manifest of DIR's .graphql files, on stdout or in FILE.
func trustedDocuments(args []string) error {
	if len(args) == 0 || args[0] != "build" {
		return fmt.Errorf("usage: essaim trusted-documents build [-o FILE] DIR")
	}
	fs := flag.NewFlagSet("trusted-documents build", flag.ContinueOnError)
	out := fs.String("o", "", "write the manifest to this file (default: stdout)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: essaim trusted-documents build [-o FILE] DIR")
	}
	manifest, err := server.BuildManifest(fs.Arg(0))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	b = append(b, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(b)
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
