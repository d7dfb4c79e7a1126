// Package cli parses Rivet's command line and calls into internal/app. It holds
// flags and output formatting, no business logic.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rivetcdp/rivet/internal/app"
	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/config"
)

// Version is set at build time with -ldflags "-X github.com/rivetcdp/rivet/internal/cli.Version=...".
var Version = "dev"

const usage = `rivet — a social customer data platform

Usage:
  rivet serve   [flags]                                  run the server
  rivet demo    [--people N] [--seed S] [flags]          run the server with generated demo data
  rivet source  create --workspace W --name N --channel C
  rivet source  list   --workspace W
  rivet key     create --workspace W --scope read|admin
  rivet key     revoke --id KEY_ID
  rivet config  check  [flags]                           validate and print the configuration
  rivet version

Every command reads RIVET_ADDR and RIVET_DATA (and the other RIVET_* settings
listed by "rivet config check"); flags override them.
`

// Run executes the command line args (without the program name).
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = runServe(rest, stdout, stderr)
	case "demo":
		err = runDemo(rest, stdout, stderr)
	case "source":
		err = runSource(rest, stdout, stderr)
	case "key":
		err = runKey(rest, stdout, stderr)
	case "config":
		err = runConfig(rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "rivet", Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "rivet: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "rivet:", err)
		return 1
	}
	return 0
}

// loadConfig builds the configuration: defaults, environment, then flags.
func loadConfig(fs *flag.FlagSet, args []string) (config.Config, error) {
	cfg, envErr := config.Load()
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if envErr != nil {
		return cfg, envErr
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
}

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	a, err := app.Open(cfg, log)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	serveErr := a.Serve(ctx, nil)
	return errors.Join(serveErr, a.Close())
}

func runConfig(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return fmt.Errorf("usage: rivet config check [flags]")
	}
	fs := flag.NewFlagSet("config check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := loadConfig(fs, args[1:])
	if err != nil {
		return fmt.Errorf("configuration is invalid:\n%w", err)
	}
	for _, line := range cfg.Describe() {
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintln(stdout, "configuration ok")
	return nil
}

// withAdmin runs fn against a running server's control socket, or, when no
// server holds the data directory, against the data directory itself.
func withAdmin(cfg config.Config, stderr io.Writer, fn func(app.Admin) error) error {
	if adm, err := app.DialControl(cfg.DataDir); err == nil {
		return fn(adm)
	}
	a, err := app.Open(cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	return errors.Join(fn(app.LocalAdmin{Auth: a.Auth}), a.Close())
}

func runSource(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: rivet source create|list [flags]")
	}
	fs := flag.NewFlagSet("source "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	workspace := fs.String("workspace", "", "workspace name (created if needed)")
	name := fs.String("name", "", "source name")
	channel := fs.String("channel", "", "channel: "+strings.Join(auth.Channels, ", "))
	cfg, err := loadConfig(fs, args[1:])
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		if *workspace == "" || *name == "" || *channel == "" {
			return fmt.Errorf("source create needs --workspace, --name and --channel")
		}
		return withAdmin(cfg, stderr, func(adm app.Admin) error {
			c, err := adm.CreateSource(*workspace, *name, *channel)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created source %s (%s, channel %s) in workspace %s\n", c.Source.Name, c.Source.ID, c.Source.Channel, *workspace)
			fmt.Fprintln(stdout, "write key (shown once):")
			fmt.Fprintln(stdout, c.Secret)
			return nil
		})
	case "list":
		if *workspace == "" {
			return fmt.Errorf("source list needs --workspace")
		}
		return withAdmin(cfg, stderr, func(adm app.Admin) error {
			srcs, err := adm.Sources(*workspace)
			if err != nil {
				return err
			}
			for _, s := range srcs {
				fmt.Fprintf(stdout, "%s\t%s\t%s\n", s.ID, s.Name, s.Channel)
			}
			return nil
		})
	}
	return fmt.Errorf("unknown source command %q", args[0])
}

func runKey(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: rivet key create|revoke [flags]")
	}
	fs := flag.NewFlagSet("key "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	workspace := fs.String("workspace", "", "workspace name (created if needed)")
	scope := fs.String("scope", "", "read or admin")
	id := fs.String("id", "", "key id (for revoke)")
	cfg, err := loadConfig(fs, args[1:])
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		if *workspace == "" || *scope == "" {
			return fmt.Errorf("key create needs --workspace and --scope read|admin")
		}
		return withAdmin(cfg, stderr, func(adm app.Admin) error {
			c, err := adm.CreateKey(*workspace, auth.Scope(*scope))
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created %s key %s in workspace %s\n", *scope, c.KeyID, *workspace)
			fmt.Fprintln(stdout, "key (shown once):")
			fmt.Fprintln(stdout, c.Secret)
			return nil
		})
	case "revoke":
		if *id == "" {
			return fmt.Errorf("key revoke needs --id")
		}
		return withAdmin(cfg, stderr, func(adm app.Admin) error {
			if err := adm.RevokeKey(*id); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "revoked", *id)
			return nil
		})
	}
	return fmt.Errorf("unknown key command %q", args[0])
}

// Main runs the command line of this process and exits with its status.
func Main() { os.Exit(Run(os.Args[1:], os.Stdout, os.Stderr)) }
