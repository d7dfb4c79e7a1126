package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rivetcdp/rivet/internal/app"
	"github.com/rivetcdp/rivet/internal/config"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestSourceAndKeyCreatePrintKeyOnLastLine(t *testing.T) {
	t.Setenv("RIVET_DATA", t.TempDir())
	code, out, errs := run(t, "source", "create", "--workspace", "shop", "--name", "web", "--channel", "web")
	if code != 0 || !strings.HasPrefix(lastLine(out), "rvw_") {
		t.Fatalf("source create: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, "key", "create", "--workspace", "shop", "--scope", "read")
	if code != 0 || !strings.HasPrefix(lastLine(out), "rvr_") {
		t.Fatalf("key create: %d %q", code, out)
	}
	if code, _, errs = run(t, "source", "create", "--workspace", "shop", "--name", "web", "--channel", "web"); code == 0 || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate source: %d %q", code, errs)
	}
	if code, _, errs = run(t, "source", "create", "--workspace", "shop", "--name", "x", "--channel", "fax"); code == 0 || !strings.Contains(errs, "channel") {
		t.Fatalf("bad channel: %d %q", code, errs)
	}
	code, out, _ = run(t, "source", "list", "--workspace", "shop")
	if code != 0 || !strings.Contains(out, "\tweb\tweb") {
		t.Fatalf("source list: %q", out)
	}
}

// While a server holds the data directory, the CLI goes through its control socket.
func TestAdminThroughRunningServer(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RIVET_DATA", dir)
	cfg := config.Default()
	cfg.DataDir, cfg.Addr = dir, "127.0.0.1:0"
	a, err := app.Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(s string) { listening <- s }) }()
	<-listening
	defer func() {
		cancel()
		<-done
		a.Close()
	}()
	code, out, errs := run(t, "source", "create", "--workspace", "live", "--name", "pos", "--channel", "pos")
	if code != 0 || !strings.HasPrefix(lastLine(out), "rvw_") {
		t.Fatalf("source create via socket: %d %q %q", code, out, errs)
	}
	if _, err := a.Auth.Authenticate(lastLine(out)); err != nil {
		t.Fatalf("server does not know the new key: %v", err)
	}
	code, out, _ = run(t, "key", "create", "--workspace", "live", "--scope", "admin")
	if code != 0 || !strings.HasPrefix(lastLine(out), "rva_") {
		t.Fatalf("key create via socket: %q", out)
	}
	id := strings.Fields(strings.Split(out, "\n")[0])[3]
	if code, _, errs = run(t, "key", "revoke", "--id", id); code != 0 {
		t.Fatalf("revoke via socket: %q", errs)
	}
	if _, err := a.Auth.Authenticate(lastLine(out)); err == nil {
		t.Fatal("revoked key still authenticates")
	}
}

func TestConfigCheck(t *testing.T) {
	t.Setenv("RIVET_ADDR", "127.0.0.1:9999")
	code, out, _ := run(t, "config", "check")
	if code != 0 || !strings.Contains(out, "RIVET_ADDR=127.0.0.1:9999") || !strings.Contains(out, "configuration ok") {
		t.Fatalf("config check: %d %q", code, out)
	}
	t.Setenv("RIVET_FSYNC", "sometimes")
	code, _, errs := run(t, "config", "check", "--partitions", "0")
	if code == 0 || !strings.Contains(errs, "fsync") || !strings.Contains(errs, "partitions") {
		t.Fatalf("invalid config accepted: %d %q", code, errs)
	}
}

// The demo sends its population through the public API: every generated
// event must be stored (none quarantined) and the ground truth written.
func TestDemoLoadsEveryEventThroughTheAPI(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("RIVET_DATA", dir)
	t.Setenv("RIVET_ADDR", "127.0.0.1:0")
	code, out, errs := run(t, "demo", "--people", "60", "--seed", "7", "--exit")
	if code != 0 || !strings.Contains(out, "Read key") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}
	truth, err := os.ReadFile(filepath.Join(dir, "demo-truth.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Count(string(truth), "\n")
	cfg := config.Default()
	cfg.DataDir = dir
	a, err := app.Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := a.Auth.Workspace("demo")
	srcs, _ := a.Auth.Sources(ws.ID)
	stored := 0
	for _, s := range srcs {
		for cursor := "x"; cursor != ""; {
			if cursor == "x" {
				cursor = ""
			}
			page, err := a.Reader.BySource(s.ID, cursor, 1000)
			if err != nil {
				t.Fatal(err)
			}
			stored += len(page.Items)
			cursor = page.NextCursor
		}
		if q, _ := a.Reader.Quarantined(s.ID, "", 10); len(q.Items) > 0 {
			t.Errorf("source %s quarantined demo events: %s", s.Name, q.Items[0].Quarantine)
		}
	}
	if want < 500 || stored != want {
		t.Fatalf("stored %d events, ground truth has %d", stored, want)
	}
	a.Close()
	// A second run on the same data directory serves what is there.
	if code, out, _ = run(t, "demo", "--exit"); code != 0 || !strings.Contains(out, "already exists") {
		t.Fatalf("second demo run: %d %q", code, out)
	}
}
