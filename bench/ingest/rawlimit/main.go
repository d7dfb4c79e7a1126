// Command rawlimit is the yardstick for Rivet's ingestion benchmark: the
// least work that still honours the same contract as POST /v1/batch —
// parse and validate every event, append it to a file, and answer 200 only
// after an fsync covering the request. Whatever it reaches on a machine is
// that machine's limit for durable ingestion through net/http; Rivet is
// judged as a fraction of it. By default it decodes with Rivet's own decoder
// (ingest.DecodeBatch, the fastest we have), so the ratio measures only what
// Rivet adds: auth, dedupe, indexes, quarantine. -decoder=stdlib decodes with
// encoding/json instead (two passes per byte, a slower yardstick).
//
// It must stay honest: no skipped or batched-away fsyncs beyond group
// commit, no acknowledgement before the data is durable.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rivetcdp/rivet/internal/ingest"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Segment's documented batch limit is 500 KB; allow headroom.
const maxBody = 4 << 20

type batchBody struct {
	Batch []json.RawMessage `json:"batch"`
}

type minimalEvent struct {
	Type        string `json:"type"`
	MessageID   string `json:"messageId"`
	UserID      string `json:"userId"`
	AnonymousID string `json:"anonymousId"`
	Timestamp   string `json:"timestamp"`
}

var knownTypes = map[string]bool{
	"track": true, "identify": true, "page": true,
	"screen": true, "group": true, "alias": true,
}

// commit is one request waiting for durability.
type commit struct {
	frames []byte
	events int
	done   chan error
}

var commitPool = sync.Pool{New: func() any {
	return &commit{frames: make([]byte, 0, 96<<10), done: make(chan error, 1)}
}}

var bodyPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 96<<10)) }}

type stats struct {
	syncs, requests, events, bytes atomic.Uint64
	syncTime                       atomic.Int64
}

// groupCommit is the single writer: it takes everything queued, writes it
// with one write(2), calls fsync once, then releases every request in the
// group. Requests arriving during an fsync form the next group, so the
// group size adapts to load without any timer.
func groupCommit(f *os.File, in <-chan *commit, st *stats) {
	var group []*commit
	buf := make([]byte, 0, 1<<20)
	for first := range in {
		group = append(group[:0], first)
	drain:
		for {
			select {
			case c, ok := <-in:
				if !ok {
					break drain
				}
				group = append(group, c)
			default:
				break drain
			}
		}
		buf = buf[:0]
		events := 0
		for _, c := range group {
			buf = append(buf, c.frames...)
			events += c.events
		}
		_, err := f.Write(buf)
		if err == nil {
			t := time.Now()
			err = f.Sync()
			st.syncTime.Add(int64(time.Since(t)))
		}
		st.syncs.Add(1)
		st.requests.Add(uint64(len(group)))
		st.events.Add(uint64(events))
		st.bytes.Add(uint64(len(buf)))
		for _, c := range group {
			c.done <- err
		}
	}
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	m, _ := json.Marshal(msg)
	fmt.Fprintf(w, `{"success":false,"message":%s}`, m)
}

func handler(queue chan<- *commit, decoder string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			fail(w, http.StatusMethodNotAllowed, "POST only")
			return
		}
		if user, _, ok := r.BasicAuth(); !ok || user == "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="rawlimit"`)
			fail(w, http.StatusUnauthorized, "missing write key")
			return
		}
		body := bodyPool.Get().(*bytes.Buffer)
		body.Reset()
		defer bodyPool.Put(body)
		if _, err := body.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
			fail(w, http.StatusBadRequest, "read body: "+err.Error())
			return
		}
		if decoder == "rivet" {
			decodeWithRivet(w, body.Bytes(), queue)
			return
		}
		var b batchBody
		if err := json.Unmarshal(body.Bytes(), &b); err != nil {
			fail(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
			return
		}
		if len(b.Batch) == 0 {
			fail(w, http.StatusBadRequest, "empty batch")
			return
		}
		c := commitPool.Get().(*commit)
		c.frames = c.frames[:0]
		c.events = len(b.Batch)
		for i, raw := range b.Batch {
			var ev minimalEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				commitPool.Put(c)
				fail(w, http.StatusBadRequest, fmt.Sprintf("event %d: %v", i, err))
				return
			}
			if !knownTypes[ev.Type] || (ev.UserID == "" && ev.AnonymousID == "") {
				commitPool.Put(c)
				fail(w, http.StatusBadRequest, fmt.Sprintf("event %d: unknown type or no userId/anonymousId", i))
				return
			}
			c.appendFrame(raw)
		}
		commitAndAnswer(w, queue, c)
	}
}

// appendFrame adds one event: little-endian length, crc32c of payload,
// payload — enough for a reader to detect a torn tail after a crash.
func (c *commit) appendFrame(payload []byte) {
	c.frames = binary.LittleEndian.AppendUint32(c.frames, uint32(len(payload)))
	c.frames = binary.LittleEndian.AppendUint32(c.frames, crc32.Checksum(payload, castagnoli))
	c.frames = append(c.frames, payload...)
}

// commitAndAnswer hands c to the group commit and answers once it is durable.
func commitAndAnswer(w http.ResponseWriter, queue chan<- *commit, c *commit) {
	queue <- c
	err := <-c.done
	commitPool.Put(c)
	if err != nil {
		fail(w, http.StatusServiceUnavailable, "not durable: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"success":true}`)
}

// decodeWithRivet validates and normalises the batch exactly as Rivet does,
// then appends every valid event; nothing else.
func decodeWithRivet(w http.ResponseWriter, body []byte, queue chan<- *commit) {
	d, derr := ingest.DecodeBatch(body, time.Now(), ingest.Limits{MaxBatchBytes: maxBody})
	if derr != nil {
		fail(w, http.StatusBadRequest, derr.Error())
		return
	}
	if len(d.Events) == 0 {
		fail(w, http.StatusBadRequest, "no valid event")
		return
	}
	c := commitPool.Get().(*commit)
	c.frames = c.frames[:0]
	c.events = len(d.Events)
	for _, e := range d.Events {
		c.appendFrame(e.Body)
	}
	commitAndAnswer(w, queue, c)
}

// syncDir makes the file's directory entry durable, so acknowledged data
// cannot vanish with a file that was never linked on disk.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	file := flag.String("file", "rawlimit.log", "append-only event log")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here, covering the whole run")
	decoder := flag.String("decoder", "rivet", "rivet (Rivet's decoder, the default) or stdlib (encoding/json)")
	flag.Parse()
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	f, err := os.OpenFile(*file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	if err := syncDir(*file); err != nil {
		log.Fatal(err)
	}
	// Deep enough that handlers rarely block on enqueue even at high
	// concurrency; the fsync is the real queue.
	queue := make(chan *commit, 4096)
	var st stats
	writerDone := make(chan struct{})
	go func() { groupCommit(f, queue, &st); close(writerDone) }()

	mux := http.NewServeMux()
	if *decoder != "rivet" && *decoder != "stdlib" {
		log.Fatalf("-decoder must be rivet or stdlib, not %q", *decoder)
	}
	mux.Handle("/v1/batch", handler(queue, *decoder))
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	start := time.Now()
	log.Printf("rawlimit: listening on %s, log %s", *addr, *file)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
	// Shutdown waited for handlers, and each handler waited for its commit,
	// so nothing is left in flight.
	close(queue)
	<-writerDone
	if err := f.Close(); err != nil {
		log.Print(err)
	}
	n := st.syncs.Load()
	if n == 0 {
		n = 1
	}
	log.Printf("rawlimit: %s: %d events in %d requests, %d fsyncs (%.1f req/fsync, %.2f ms avg fsync), %.1f MB written",
		time.Since(start).Round(time.Second), st.events.Load(), st.requests.Load(), st.syncs.Load(),
		float64(st.requests.Load())/float64(n), float64(st.syncTime.Load())/float64(n)/1e6,
		float64(st.bytes.Load())/(1<<20))
}
