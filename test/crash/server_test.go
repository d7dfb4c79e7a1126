package crash_test

// The server harness: rivet processes started, killed and restarted on one
// data directory, and the events API read back.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// server runs rivet processes, one at a time, on one data directory, all
// writing to one log file.
type server struct {
	t       *testing.T
	data    string
	logPath string
	logFile *os.File
	cmd     *exec.Cmd
	exited  chan struct{}
	base    atomic.Pointer[string] // "http://host:port" of the latest process
}

func newServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	s := &server{t: t, data: filepath.Join(dir, "data"), logPath: filepath.Join(dir, "rivet.log")}
	f, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	s.logFile = f
	t.Cleanup(func() {
		if s.cmd != nil {
			s.cmd.Process.Kill()
			<-s.exited
		}
		f.Close()
		if t.Failed() { // the temp dir goes: show the last process's output
			out, _ := os.ReadFile(s.logPath)
			last := string(out[max(0, bytes.LastIndex(out, []byte("=== crash test"))):])
			lines := strings.SplitN(last, "\n", 81)
			t.Logf("server log of the last process:\n%s", strings.Join(lines[:min(80, len(lines))], "\n"))
		}
	})
	return s
}

// env drops inherited RIVET_* settings (RIVET_FSYNC=interval would weaken the
// test) and sets the data directory and address.
func (s *server) env(addr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RIVET_") {
			env = append(env, kv)
		}
	}
	return append(env, "RIVET_DATA="+s.data, "RIVET_ADDR="+addr)
}

// cli runs an admin command (no server running) and returns its last line of output.
func (s *server) cli(args ...string) string {
	s.t.Helper()
	cmd := exec.Command(rivetBin, args...)
	cmd.Env = s.env("127.0.0.1:0")
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("rivet %s: %v", strings.Join(args, " "), err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// start runs "rivet serve" on a fresh port (no waiting for the old one to be
// released) and waits, with a deadline, until /readyz answers 200.
func (s *server) start() {
	s.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	fmt.Fprintf(s.logFile, "=== crash test: rivet serve on %s ===\n", addr)
	cmd := exec.Command(rivetBin, "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env(addr), s.logFile, s.logFile
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start rivet: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	base := "http://" + addr
	c := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := c.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.base.Store(&base)
				return
			}
		}
		select {
		case <-exited:
			s.cmd = nil
			s.t.Fatalf("rivet exited before it was ready: %v", cmd.ProcessState)
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.t.Fatalf("rivet not ready within 30s")
}

// halt stops the server: SIGKILL is the crash; SIGTERM is the clean
// shutdown, which must drain and exit 0 in time.
func (s *server) halt(sig syscall.Signal) {
	s.t.Helper()
	cmd := s.cmd
	select {
	case <-s.exited:
		s.cmd = nil
		s.t.Fatalf("rivet died on its own (%v) before the test stopped it", cmd.ProcessState)
	default:
	}
	if err := cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("signal rivet: %v", err)
	}
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.t.Fatalf("rivet still running 30s after the signal (%v)", sig)
	}
	s.cmd = nil
	if sig == syscall.SIGTERM && !cmd.ProcessState.Success() {
		s.t.Fatalf("rivet exited with %v after SIGTERM", cmd.ProcessState)
	}
}

// listEvents pages through the source's events, newest first, down to (not
// including) offset stop.
func (s *server) listEvents(readKey string, stop int64) []storedEvent {
	s.t.Helper()
	var all []storedEvent
	cursor := ""
	for {
		req, _ := http.NewRequest("GET", *s.base.Load()+"/api/v1/events?source=web&limit=1000&cursor="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+readKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			s.t.Fatalf("list events: %v", err)
		}
		var page struct {
			Items      []storedEvent `json:"items"`
			NextCursor string        `json:"next_cursor"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			s.t.Fatalf("list events: status %d, %v", resp.StatusCode, err)
		}
		for _, it := range page.Items {
			if it.Offset <= stop {
				return all
			}
			all = append(all, it)
		}
		if page.NextCursor == "" || page.NextCursor == cursor {
			return all
		}
		cursor = page.NextCursor
	}
}

type storedEvent struct {
	Offset int64 `json:"offset"`
	Event  struct {
		Type        string `json:"type"`
		MessageID   string `json:"messageId"`
		UserID      string `json:"userId"`
		AnonymousID string `json:"anonymousId"`
	} `json:"event"`
}

// checkLog fails the test if any run of the server panicked or logged an error.
func (s *server) checkLog() {
	s.t.Helper()
	out, err := os.ReadFile(s.logPath)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, bad := range []string{"panic:", "fatal error:", "DATA RACE", "level=ERROR"} {
		if bytes.Contains(out, []byte(bad)) {
			s.t.Errorf("the server log contains %q", bad)
		}
	}
}
