package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestBucketBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		v := r.Int64N(1 << uint(r.IntN(62)+1))
		b := bucketOf(v)
		if hi := bucketHigh(b); hi < v {
			t.Fatalf("v=%d: bucket %d high %d below value", v, b, hi)
		}
		if b > 0 && bucketHigh(b-1) >= v {
			t.Fatalf("v=%d: previous bucket %d also covers it", v, b-1)
		}
		if v > 0 && float64(bucketHigh(b)-v)/float64(v) > 1.0/half {
			t.Fatalf("v=%d: relative error above 1/%d", v, half)
		}
	}
	if b := bucketOf(math.MaxInt64); b >= len(newHist().counts) {
		t.Fatalf("max value bucket %d out of range", b)
	}
}

func TestQuantiles(t *testing.T) {
	// Two halves merged must equal one histogram of 1..10000 µs.
	a, b := newHist(), newHist()
	for i := 1; i <= 10000; i++ {
		h := a
		if i%2 == 0 {
			h = b
		}
		h.record(time.Duration(i) * time.Microsecond)
	}
	a.merge(b)
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * time.Millisecond}, {0.9, 9 * time.Millisecond}, {0.99, 9900 * time.Microsecond}} {
		got := a.quantile(c.q)
		if rel := float64(got-c.want) / float64(c.want); rel < 0 || rel > 0.01 {
			t.Errorf("q%.2f = %v, want %v (+1%%)", c.q, got, c.want)
		}
	}
	if got := a.quantile(1); got != 10*time.Millisecond {
		t.Errorf("q1 = %v, want exact max 10ms", got)
	}
	if got := a.mean(); got < 4999*time.Microsecond || got > 5001*time.Microsecond {
		t.Errorf("mean = %v", got)
	}
	if newHist().quantile(0.99) != 0 {
		t.Error("empty histogram should report 0")
	}
}

func TestBodies(t *testing.T) {
	p, err := newPool(500, 7)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	types := map[string]int{}
	var events, bytes int
	now := time.Now()
	for w := range 3 {
		g := newIDGen(0xdeadbeef, uint16(w))
		cursor := w * 37
		var buf []byte
		for range 20 {
			buf = p.appendBody(buf[:0], 100, &cursor, g, now)
			var body struct {
				Batch  []json.RawMessage `json:"batch"`
				SentAt string            `json:"sentAt"`
			}
			if err := json.Unmarshal(buf, &body); err != nil {
				t.Fatalf("body is not valid JSON: %v", err)
			}
			if len(body.Batch) != 100 {
				t.Fatalf("batch has %d events", len(body.Batch))
			}
			if _, err := time.Parse(time.RFC3339Nano, body.SentAt); err != nil {
				t.Fatalf("sentAt %q: %v", body.SentAt, err)
			}
			for _, raw := range body.Batch {
				var ev struct {
					Type, MessageID, UserID, AnonymousID, Timestamp string
					Context                                         map[string]any
				}
				if err := json.Unmarshal(raw, &ev); err != nil {
					t.Fatal(err)
				}
				if len(ev.MessageID) != idLen || strings.Contains(ev.MessageID, "@") {
					t.Fatalf("bad messageId %q", ev.MessageID)
				}
				if seen[ev.MessageID] {
					t.Fatalf("duplicate messageId %q", ev.MessageID)
				}
				seen[ev.MessageID] = true
				if ev.UserID == "" && ev.AnonymousID == "" {
					t.Fatalf("event without userId or anonymousId: %s", raw)
				}
				if ev.Timestamp == "" || ev.Context["library"] == nil || ev.Context["ip"] == nil {
					t.Fatalf("event missing timestamp/context: %s", raw)
				}
				types[ev.Type]++
				events++
				bytes += len(raw)
			}
		}
	}
	if avg := bytes / events; avg < 550 || avg > 700 {
		t.Errorf("average event is %d bytes, want ~600", avg)
	}
	for _, ty := range []string{"track", "identify", "page"} {
		if types[ty] == 0 {
			t.Errorf("no %s events generated", ty)
		}
	}
}

func TestIDGenWidth(t *testing.T) {
	g := newIDGen(1, 2)
	g.n = 1<<64 - 3 // counter near wrap still yields well-formed, distinct ids
	a, b := make([]byte, idLen), make([]byte, idLen)
	g.next(a)
	g.next(b)
	if string(a) == string(b) || string(a) != "00000001-0002-0000-ffff-fffffffffffe" {
		t.Fatalf("ids %s %s", a, b)
	}
}

func TestSlope(t *testing.T) {
	var s []rssSample
	for i := range 120 {
		// 3 MB/min growth starting at 100 MB.
		s = append(s, rssSample{time.Duration(i) * time.Second, int64((100 + 3*float64(i)/60) * mb)})
	}
	if got := summarizeRSS(s).SlopeMBPerMin; math.Abs(got-3) > 0.01 {
		t.Fatalf("slope %.3f, want 3", got)
	}
}

func BenchmarkAppendBody(b *testing.B) {
	p, _ := newPool(10000, 1)
	g := newIDGen(1, 1)
	cursor := 0
	buf := make([]byte, 0, 100<<10)
	now := time.Now()
	for b.Loop() {
		buf = p.appendBody(buf[:0], 100, &cursor, g, now)
	}
	b.SetBytes(int64(len(buf)))
}
