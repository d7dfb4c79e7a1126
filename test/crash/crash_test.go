// Package crash_test proves Rivet's durability promise end to end: a batch
// acknowledged with 200 survives kill -9, and no event is ever stored twice,
// even when clients retry batches whose fate they could not know.
package crash_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

var rivetBin string

// TestMain builds the real binary: only a separate process can be killed in a
// way that leaves its files and sockets exactly as a crash would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rivet-crash-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	rivetBin = filepath.Join(dir, "rivet")
	build := exec.Command("go", "build", "-o", rivetBin, "github.com/rivetcdp/rivet/cmd/rivet")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	code := 1
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build rivet: %v\n%s", err, out)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestKillNineLosesAndDuplicatesNothing(t *testing.T) {
	kills := 6
	if testing.Short() {
		kills = 2
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("RIVET_CRASH_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (RIVET_CRASH_SEED=%[1]d repeats the kill delays and batch shapes)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	srv := newServer(t)
	writeKey := srv.cli("source", "create", "--workspace", "crash", "--name", "web", "--channel", "web")
	readKey := srv.cli("key", "create", "--workspace", "crash", "--scope", "read")
	srv.start()

	led := &ledger{sent: map[string]string{}, acked: map[string]bool{}}
	up := &gate{ch: make(chan struct{})}
	up.open()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	senders := make([]*sender, 8)
	for i := range senders {
		senders[i] = &sender{t: t, id: i, rng: rand.New(rand.NewPCG(seed, uint64(i+1))), led: led, srv: srv, up: up, client: client, key: writeKey}
		wg.Add(1)
		go func() { defer wg.Done(); senders[i].run(ctx) }()
	}
	stopSenders := sync.OnceFunc(func() { cancel(); wg.Wait() })
	t.Cleanup(stopSenders) // also after a t.Fatal: no goroutine outlives the test

	// The load runs for a random while so that each kill lands at an arbitrary
	// point of the write / fsync / acknowledge / index pipeline.
	sustain := func() { time.Sleep(time.Duration(200+rng.IntN(1300)) * time.Millisecond) }
	for i := 1; i <= kills; i++ {
		sustain()
		up.shut() // senders that fail from now on wait for the restart
		srv.halt(syscall.SIGKILL)
		acked := led.ackedSnapshot() // a dead process acknowledges nothing more
		srv.start()
		// Indexes must be complete when /readyz says 200: check while the senders wait.
		stored := led.check(t, srv, readKey, acked, false)
		t.Logf("kill %d: %d acknowledged, %d stored", i, len(acked), stored)
		up.open()
	}

	// A clean stop under load, then what an SDK does on its next start:
	// re-send every batch it never saw acknowledged.
	sustain()
	up.shut()
	srv.halt(syscall.SIGTERM)
	stopSenders()
	srv.start()
	up.open()
	retried := 0
	for _, s := range senders {
		for _, b := range s.pending {
			if !s.send(context.Background(), b, unknown) {
				t.Fatalf("a retry after the clean restart was not acknowledged")
			}
			retried++
		}
	}
	acked := led.ackedSnapshot()
	stored := led.check(t, srv, readKey, acked, true)
	srv.halt(syscall.SIGTERM)
	srv.checkLog()
	t.Logf("%d kills: sent %d events, acknowledged %d, stored %d; %d unacknowledged batches abandoned, %d retried at the end",
		kills, len(led.sent), len(acked), stored, led.abandoned, retried)
}

// ledger is what the clients know (every event sent, which were acknowledged)
// and what the checks have seen stored so far.
type ledger struct {
	mu        sync.Mutex
	sent      map[string]string // messageId -> fingerprint, to check stored bodies
	acked     map[string]bool
	abandoned int // unacknowledged batches never retried: stored at most once

	stored map[string]int // messageId -> times listed (check only, main goroutine)
	newest int64          // offset of the newest event checked
}

func (l *ledger) ackedSnapshot() map[string]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := make(map[string]bool, len(l.acked))
	for id := range l.acked {
		m[id] = true
	}
	return m
}

func fingerprint(typ, userID, anonID string) string { return typ + "|" + userID + "|" + anonID }

// check lists the stored events (all of them if full, else only those newer
// than the last check: the log only appends) and asserts the contract: no
// messageId stored twice, none we did not send, each body as sent, and every
// acknowledged messageId present. It returns how many events are stored.
func (l *ledger) check(t *testing.T, srv *server, readKey string, acked map[string]bool, full bool) int {
	t.Helper()
	if full || l.stored == nil {
		l.stored, l.newest = map[string]int{}, -1
	}
	items := srv.listEvents(readKey, l.newest)
	l.mu.Lock()
	defer l.mu.Unlock()
	errs := 0
	fail := func(format string, args ...any) {
		if errs++; errs <= 20 {
			t.Errorf(format, args...)
		}
	}
	for i, it := range items {
		e := it.Event
		if i > 0 && it.Offset >= items[i-1].Offset {
			fail("listing not strictly newest first: offset %d after %d", it.Offset, items[i-1].Offset)
		}
		if l.stored[e.MessageID]++; l.stored[e.MessageID] == 2 {
			fail("messageId %q stored twice (acknowledged: %v)", e.MessageID, acked[e.MessageID])
		}
		if want, ok := l.sent[e.MessageID]; !ok {
			fail("event at offset %d has messageId %q, which was never sent", it.Offset, e.MessageID)
		} else if got := fingerprint(e.Type, e.UserID, e.AnonymousID); got != want {
			fail("event %q stored as %q, sent as %q", e.MessageID, got, want)
		}
	}
	if len(items) > 0 {
		l.newest = items[0].Offset
	}
	for id := range acked {
		if l.stored[id] == 0 {
			fail("acknowledged messageId %q is lost", id)
		}
	}
	if errs > 20 {
		t.Errorf("... and %d more violations", errs-20)
	}
	total := 0
	for _, n := range l.stored {
		total += n
	}
	return total
}
