package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/rivetcdp/rivet/internal/app"
	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/demo"
)

const demoWorkspace = "demo"

// runDemo serves Rivet with a generated population sent through the public
// tracking API, prints where to look, and keeps serving until interrupted.
func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	people := fs.Int("people", 2000, "people to generate")
	seed := fs.Int64("seed", 42, "random seed (the same seed gives the same population)")
	truthPath := fs.String("truth", "", "where to write the ground truth (default DATA/demo-truth.jsonl)")
	exit := fs.Bool("exit", false, "stop once the data is loaded instead of serving")
	cfg, err := loadConfig(fs, args)
	if err != nil {
		return err
	}
	if *people < 1 {
		return fmt.Errorf("--people must be at least 1")
	}
	if *truthPath == "" {
		*truthPath = filepath.Join(cfg.DataDir, "demo-truth.jsonl")
	}
	log := newLogger(cfg, stderr)
	a, err := app.Open(cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()

	_, existsErr := a.Auth.Workspace(demoWorkspace)
	fresh := errors.Is(existsErr, auth.ErrNotFound)
	writeKeys := map[string]string{}
	var readKey string
	if fresh {
		for _, ch := range demo.Channels {
			if _, writeKeys[ch], err = a.Auth.CreateSource(demoWorkspace, ch, ch); err != nil {
				return err
			}
		}
		if _, readKey, err = a.Auth.CreateKey(demoWorkspace, auth.ScopeRead); err != nil {
			return err
		}
	}

	ctx, cancel := signalContext()
	defer cancel()
	listening := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, func(addr string) { listening <- addr }) }()
	var base string
	select {
	case addr := <-listening:
		base = "http://" + addr
	case err := <-served:
		return err
	}

	if fresh {
		if err := loadDemo(ctx, base, writeKeys, *people, *seed, *truthPath, stderr); err != nil {
			cancel()
			<-served
			return err
		}
		printWhereToLook(stdout, base, readKey, *truthPath)
	} else {
		fmt.Fprintf(stdout, "\nThe demo workspace already exists in %s; serving it as it is.\n", cfg.DataDir)
		fmt.Fprintf(stdout, "Create a read key with: rivet key create --workspace %s --scope read\n", demoWorkspace)
		fmt.Fprintf(stdout, "Or start afresh: remove %s and run the demo again.\n\n", cfg.DataDir)
	}
	if *exit {
		cancel()
	}
	return <-served
}

func loadDemo(ctx context.Context, base string, writeKeys map[string]string, people int, seed int64, truthPath string, stderr io.Writer) error {
	start := time.Now()
	fmt.Fprintf(stderr, "generating %d people (seed %d)…\n", people, seed)
	pop := demo.Generate(demo.Config{People: people, Seed: seed})
	f, err := os.Create(truthPath)
	if err != nil {
		return fmt.Errorf("write ground truth: %w", err)
	}
	if err := errors.Join(pop.WriteTruth(f), f.Close()); err != nil {
		return fmt.Errorf("write ground truth: %w", err)
	}
	client := &http.Client{Timeout: 60 * time.Second}
	bar := newProgress(stderr, "sending events through /v1/batch")
	n, err := demo.Send(ctx, client, base, writeKeys, pop, demo.MaxBatchEvents, 4, bar.update)
	bar.done()
	if err != nil {
		return fmt.Errorf("send demo events: %w", err)
	}
	fmt.Fprintf(stderr, "sent %d events from %d people over %d channels in %s\n", n, people, len(demo.Channels), time.Since(start).Round(time.Millisecond))
	return nil
}

func printWhereToLook(w io.Writer, base, readKey, truthPath string) {
	fmt.Fprintf(w, `
Rivet is running at %[1]s with the demo workspace loaded.

  Read key (shown once):  %[2]s
  Ground truth:           %[3]s

Where to look:
  curl -H 'Authorization: Bearer %[2]s' '%[1]s/api/v1/events?source=wechat&limit=5'
  curl -H 'Authorization: Bearer %[2]s' '%[1]s/api/v1/events?source=ecommerce&limit=5'
  curl -H 'Authorization: Bearer %[2]s' '%[1]s/api/v1/quarantine?source=pos'
  curl %[1]s/metrics | grep rivet_
Sources: %[4]v (list them with: rivet source list --workspace demo)

Press Ctrl-C to stop.
`, base, readKey, truthPath, demo.Channels)
}

// progress draws a one-line progress bar on a terminal-like writer.
type progress struct {
	w     io.Writer
	label string
	last  time.Time
}

func newProgress(w io.Writer, label string) *progress { return &progress{w: w, label: label} }

func (p *progress) update(sent, total int) {
	if time.Since(p.last) < 200*time.Millisecond && sent < total {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := 0
	if total > 0 {
		filled = width * sent / total
	}
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < filled {
			bar[i] = '#'
		}
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d", p.label, bar, sent, total)
}

func (p *progress) done() { fmt.Fprintln(p.w) }
