package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/store"
)

const apikeyUsage = `usage:
  essaim apikey create -name NAME -role READER|EDITOR|ADMIN   print a new key's token (shown once)
  essaim apikey list                                          list keys (never their secrets)
  essaim apikey revoke KEYID                                  revoke a key, on every server at once
  essaim apikey audit [-key KEYID] [-n 50]                    show the latest audited mutations
`

// apikey runs the key management commands, writing to out.
func apikey(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(out, apikeyUsage)
		return flag.ErrHelp
	}
	var c config
	fs := flag.NewFlagSet("apikey "+args[0], flag.ContinueOnError)
	storeFlags(fs, &c)
	switch args[0] {
	case "create":
		name := fs.String("name", "", "what the key is for (an application, a person)")
		role := fs.String("role", string(auth.Reader), "READER, EDITOR or ADMIN")
		return withStore(ctx, fs, args[1:], &c, func(st *store.Store) error {
			r, err := auth.ParseRole(*role)
			if err != nil {
				return err
			}
			k, token, err := auth.Create(ctx, st.Client, *name, r)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "created key %s (%s, %s)\n", k.ID, k.Name, k.Role)
			fmt.Fprintf(out, "token (shown once, store it now; send it as Authorization: Bearer <token>):\n%s\n", token)
			return nil
		})
	case "list":
		return withStore(ctx, fs, args[1:], &c, func(st *store.Store) error {
			keys, err := auth.List(ctx, st.Client)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KEYID\tROLE\tNAME\tCREATED\tLAST USED\tREVOKED")
			for _, k := range keys {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, k.Name, stamp(&k.CreatedAt), stamp(k.LastUsedAt), stamp(k.RevokedAt))
			}
			return tw.Flush()
		})
	case "revoke":
		return withStore(ctx, fs, args[1:], &c, func(st *store.Store) error {
			if fs.NArg() != 1 {
				return errors.New("usage: essaim apikey revoke KEYID")
			}
			if err := auth.Revoke(ctx, st.Client, fs.Arg(0)); err != nil {
				return err
			}
			fmt.Fprintf(out, "revoked key %s\n", fs.Arg(0))
			return nil
		})
	case "audit":
		key := fs.String("key", "", "only the mutations of this key id")
		n := fs.Int("n", 50, "number of entries")
		return withStore(ctx, fs, args[1:], &c, func(st *store.Store) error {
			page, err := auth.Log(ctx, st.Client, max(*n, 1), 0, *key)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "WHEN\tKEYID\tOPERATION\tFIELD\tOBJECT\tINPUT")
			for _, e := range page.Entries {
				obj := "-"
				if e.ObjectID != nil {
					obj = fmt.Sprint(*e.ObjectID)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\n", stamp(&e.CreatedAt), e.KeyID, e.Operation, e.Field, obj, e.InputFields)
			}
			return tw.Flush()
		})
	}
	fmt.Fprint(out, apikeyUsage)
	return fmt.Errorf("unknown apikey command %q", args[0])
}

// withStore parses args, opens the store and runs f on it.
func withStore(ctx context.Context, fs *flag.FlagSet, args []string, c *config, f func(*store.Store) error) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return f(st)
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
