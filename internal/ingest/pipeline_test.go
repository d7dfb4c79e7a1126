package ingest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/rivetcdp/rivet/internal/eventlog"
	"github.com/rivetcdp/rivet/internal/store"
)

type harness struct {
	dir    string
	log    *eventlog.Log
	db     *store.DB
	p      *Pipeline
	reader *Reader
}

func openHarnessB(b *testing.B) *harness { return openHarness(b, b.TempDir(), Config{}) }

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) next() int64 { return c.n.Add(1) }

func openHarness(t testing.TB, dir string, cfg Config) *harness {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := eventlog.Open(filepath.Join(dir, "log"), eventlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(cfg, l, db, slog.New(slog.NewTextHandler(io.Discard, nil)), NewMetrics(prometheus.NewRegistry()))
	if err := p.Recover(); err != nil {
		t.Fatal(err)
	}
	p.Start()
	return &harness{dir: dir, log: l, db: db, p: p, reader: &Reader{Log: l, DB: db}}
}

func (h *harness) close(t *testing.T) {
	t.Helper()
	h.p.Close()
	if err := errors.Join(h.log.Close(), h.db.Close()); err != nil {
		t.Fatal(err)
	}
}

func events(ids ...string) []Event {
	out := make([]Event, len(ids))
	for i, id := range ids {
		out[i] = Event{Type: "track", MessageID: id, UserID: "u-" + id, Body: []byte(fmt.Sprintf(`{"type":"track","messageId":%q,"userId":"u-%s"}`, id, id))}
	}
	return out
}

func submit(t *testing.T, p *Pipeline, src string, evs []Event) Result {
	t.Helper()
	res, err := p.Submit(context.Background(), &Submission{Workspace: "ws", Source: src, ReceivedAt: time.Now(), Events: evs})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// waitIndexed waits until the indexer has caught up with the log.
func (h *harness) waitIndexed(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		h.p.pendingMu.Lock()
		n := len(h.p.pending)
		h.p.pendingMu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("indexer did not catch up")
}

func listAll(t *testing.T, r *Reader, src string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	last := int64(-1)
	for {
		page, err := r.BySource(src, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if last >= 0 && it.Offset >= last {
				t.Fatalf("listing not strictly newest first: %d after %d", it.Offset, last)
			}
			last = it.Offset
			rec := stored(t, Event{Body: it.Event})
			ids = append(ids, rec["messageId"].(string))
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
}

func TestDedupeWithinAndAcrossRequestsAndRestarts(t *testing.T) {
	dir := t.TempDir()
	h := openHarness(t, dir, Config{})
	if r := submit(t, h.p, "s1", events("a", "b", "a")); r.Accepted != 2 || r.Duplicates != 1 {
		t.Fatalf("within request: %+v", r)
	}
	if r := submit(t, h.p, "s1", events("b", "c")); r.Accepted != 1 || r.Duplicates != 1 {
		t.Fatalf("across requests: %+v", r)
	}
	// Dedupe is per source: the same id from another source is another event.
	if r := submit(t, h.p, "s2", events("a")); r.Accepted != 1 {
		t.Fatalf("other source: %+v", r)
	}
	h.waitIndexed(t)
	h.close(t)

	h = openHarness(t, dir, Config{})
	defer h.close(t)
	if r := submit(t, h.p, "s1", events("a", "c", "d")); r.Accepted != 1 || r.Duplicates != 2 {
		t.Fatalf("after restart: %+v", r)
	}
	h.waitIndexed(t)
	got := listAll(t, h.reader, "s1")
	want := []string{"d", "c", "b", "a"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("listing newest first = %v, want %v", got, want)
	}
}

// A crash between the log fsync and the index commit leaves records the store
// does not know. Recover must index them so they are listed and deduped.
func TestRecoverIndexesUnindexedTail(t *testing.T) {
	dir := t.TempDir()
	h := openHarness(t, dir, Config{})
	submit(t, h.p, "s1", events("a"))
	h.waitIndexed(t)
	h.close(t)

	// Append directly to the log, as if the process died before indexing.
	l, err := eventlog.Open(filepath.Join(dir, "log"), eventlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var payloads [][]byte
	for _, e := range events("b", "c") {
		rec := eventlog.Record{Kind: eventlog.KindEvent, ReceivedAt: time.Now().UnixNano(), Workspace: "ws", Source: "s1", MessageID: e.MessageID, UserID: e.UserID, Body: e.Body}
		payloads = append(payloads, rec.AppendEncode(nil))
	}
	_, end, err := l.Write(payloads, nil)
	if err != nil || l.Sync(end) != nil {
		t.Fatal(err)
	}
	l.Close()

	h = openHarness(t, dir, Config{})
	defer h.close(t)
	if got := listAll(t, h.reader, "s1"); fmt.Sprint(got) != "[c b a]" {
		t.Fatalf("after recovery listing = %v", got)
	}
	if r := submit(t, h.p, "s1", events("b", "c", "e")); r.Accepted != 1 || r.Duplicates != 2 {
		t.Fatalf("dedupe after recovery: %+v", r)
	}
	page, err := h.reader.ByIdentifier("ws", 'u', "u-b", "", 10)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("identifier index after recovery: %+v %v", page, err)
	}
}

// Many clients retrying the same messages at once: each id is stored once.
func TestConcurrentDuplicatesStoredOnce(t *testing.T) {
	h := openHarness(t, t.TempDir(), Config{})
	defer h.close(t)
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = fmt.Sprint("m", i)
	}
	var mu sync.Mutex
	accepted := 0
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < len(ids); i += 20 {
				res, err := h.p.Submit(context.Background(), &Submission{Workspace: "ws", Source: "s", ReceivedAt: time.Now(), Events: events(ids[i : i+20]...)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				accepted += res.Accepted
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	h.waitIndexed(t)
	if accepted != len(ids) {
		t.Fatalf("accepted %d, want %d", accepted, len(ids))
	}
	if got := listAll(t, h.reader, "s"); len(got) != len(ids) {
		t.Fatalf("stored %d, want %d", len(got), len(ids))
	}
}

func TestOverloadIsRefusedNotQueued(t *testing.T) {
	h := openHarness(t, t.TempDir(), Config{MaxInflightBytes: 1})
	defer h.close(t)
	h.p.inflight.Add(10) // another request is in flight
	defer h.p.inflight.Add(-10)
	_, err := h.p.Submit(context.Background(), &Submission{Workspace: "ws", Source: "s", ReceivedAt: time.Now(), Events: events("x")})
	if !errors.Is(err, ErrOverloaded) {
		t.Fatalf("err = %v, want ErrOverloaded", err)
	}
}

func TestQuarantineIsDurableAndListed(t *testing.T) {
	dir := t.TempDir()
	h := openHarness(t, dir, Config{})
	res, err := h.p.Submit(context.Background(), &Submission{Workspace: "ws", Source: "s", ReceivedAt: time.Now(), Events: events("ok"),
		Rejected: []Rejected{{EventError: EventError{Index: 1, Code: CodeMissingIdentity, Message: "m"}, Raw: []byte(`{"type":"track"}`)},
			{EventError: EventError{Index: 2, Code: CodeInvalidUTF8, Message: "m"}, Raw: []byte("\xff\xfe")}}})
	if err != nil || res.Accepted != 1 || res.Quarantined != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	h.waitIndexed(t)
	h.close(t)
	h = openHarness(t, dir, Config{})
	defer h.close(t)
	page, err := h.reader.Quarantined("s", "", 10)
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("quarantine listing: %+v %v", page, err)
	}
	var q QuarantineEntry
	if err := jsonUnmarshal(page.Items[0].Quarantine, &q); err != nil || q.Code != CodeInvalidUTF8 || q.RawBase64 != "//4=" {
		t.Fatalf("newest quarantine entry = %+v (%v)", q, err)
	}
}

func TestPartitionIsStablePerPerson(t *testing.T) {
	a := Partition("ws", "user-1", "anon", 16)
	if a != Partition("ws", "user-1", "other-anon", 16) {
		t.Fatal("partition depends on anonymousId when userId is set")
	}
	seen := map[uint16]bool{}
	for i := 0; i < 1000; i++ {
		p := Partition("ws", fmt.Sprint("u", i), "", 16)
		if p >= 16 {
			t.Fatalf("partition %d out of range", p)
		}
		seen[p] = true
	}
	if len(seen) != 16 {
		t.Fatalf("1000 people fell in %d of 16 partitions", len(seen))
	}
}

func TestPartitionIsFNV1a(t *testing.T) {
	h := fnv.New32a()
	h.Write([]byte("ws\x00user-7"))
	if got, want := Partition("ws", "user-7", "", 1000), uint16(h.Sum32()%1000); got != want {
		t.Fatalf("Partition = %d, want FNV-1a %d (the scale-out log must agree)", got, want)
	}
}
