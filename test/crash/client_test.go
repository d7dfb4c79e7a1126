package crash_test

// The clients: SDK-like senders that know exactly which events the server
// acknowledged, and retry the rest the way real SDKs do.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// gate is open while the server is up; senders wait on it after a failure.
type gate struct {
	mu sync.Mutex
	ch chan struct{}
}

func (g *gate) open() { g.mu.Lock(); close(g.ch); g.mu.Unlock() }
func (g *gate) shut() { g.mu.Lock(); g.ch = make(chan struct{}); g.mu.Unlock() }
func (g *gate) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ch
}

type batch struct {
	ids  []string
	body []byte
}

type sendKind int

const (
	fresh   sendKind = iota // never sent: all must be accepted
	again                   // acknowledged before (a client retry): all must be duplicates
	unknown                 // sent with no answer (e.g. in flight at a kill): accepted+duplicates = all
)

func (k sendKind) String() string {
	return [...]string{"a new batch", "a batch acknowledged before", "a batch sent without answer"}[k]
}

// sender is one SDK-like client: it sends new batches, retries unacknowledged
// ones until acknowledged (but gives up on a few), and now and then re-sends
// an acknowledged batch, as a client does whose ack got lost on the way.
type sender struct {
	t       *testing.T
	id, seq int
	rng     *rand.Rand
	led     *ledger
	srv     *server
	up      *gate
	client  *http.Client
	key     string
	done    []batch // some acknowledged batches
	last    int     // index in done of the batch acknowledged last
	pending []batch // unacknowledged batches, to retry
}

func (s *sender) run(ctx context.Context) {
	for ctx.Err() == nil {
		switch {
		case len(s.pending) > 0:
			if s.send(ctx, s.pending[0], unknown) {
				s.pending = s.pending[1:]
			}
		case len(s.done) > 0 && s.rng.IntN(20) == 0:
			// Half the time the batch acknowledged last: its index entries are
			// likely not committed yet, so dedupe must see it another way.
			i := s.last
			if s.rng.IntN(2) == 0 {
				i = s.rng.IntN(len(s.done))
			}
			s.send(ctx, s.done[i], again)
		default:
			if b := s.newBatch(); !s.send(ctx, b, fresh) {
				if s.rng.IntN(4) > 0 {
					s.pending = append(s.pending, b)
				} else {
					s.led.mu.Lock()
					s.led.abandoned++
					s.led.mu.Unlock()
				}
			}
		}
	}
}

// send posts b once and reports whether it was acknowledged. A 200 whose
// counts contradict what the client knows is a test failure.
func (s *sender) send(ctx context.Context, b batch, kind sendKind) bool {
	req, err := http.NewRequestWithContext(ctx, "POST", *s.srv.base.Load()+"/v1/batch", bytes.NewReader(b.body))
	if err != nil {
		s.t.Errorf("new request: %v", err)
		return false
	}
	req.SetBasicAuth(s.key, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil { // the server died, or is restarting: not acknowledged
		s.backoff(ctx)
		return false
	}
	defer resp.Body.Close()
	var ack struct {
		Success              bool
		Accepted, Duplicates int
	}
	decErr := json.NewDecoder(resp.Body).Decode(&ack)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		s.backoff(ctx)
		return false
	case resp.StatusCode != http.StatusOK:
		s.t.Errorf("sender %d: POST /v1/batch answered %d", s.id, resp.StatusCode)
		s.backoff(ctx)
		return false
	case decErr != nil: // a 200 cut short by the kill is no acknowledgement
		return false
	}
	n := len(b.ids)
	if !ack.Success || ack.Accepted+ack.Duplicates != n || (kind == fresh && ack.Accepted != n) || (kind == again && ack.Duplicates != n) {
		s.t.Errorf("sender %d: %v of %d events answered %+v", s.id, kind, n, ack)
	}
	s.led.mu.Lock()
	for _, id := range b.ids {
		s.led.acked[id] = true
	}
	s.led.mu.Unlock()
	if s.last = len(s.done); s.last < 64 {
		s.done = append(s.done, b)
	} else {
		s.last = s.rng.IntN(64)
		s.done[s.last] = b
	}
	return true
}

// backoff waits until the server is up (no polling while it is down), then a
// few milliseconds more so that a server answering 503 is not hammered.
func (s *sender) backoff(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-s.up.wait():
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Millisecond):
		}
	}
}

var (
	trackNames = []string{"Product Viewed", "Product Added", "Checkout Started", "Order Completed", "Signed Up"}
	pageNames  = []string{"Home", "Pricing", "Docs", "Blog", "Checkout"}
)

// newBatch makes 1–100 events with unique messageIds and records them as sent.
func (s *sender) newBatch() batch {
	var b batch
	events := make([]map[string]any, 1+s.rng.IntN(100))
	fps := make([]string, len(events))
	for i := range events {
		s.seq++
		id := fmt.Sprintf("crash-%d-%d", s.id, s.seq)
		e := map[string]any{"messageId": id, "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
			"context": map[string]any{"library": map[string]any{"name": "analytics-go", "version": "3.3.0"}, "locale": "en-GB", "ip": "203.0.113.7"}}
		var userID, anonID string
		if s.rng.IntN(10) < 7 {
			userID = fmt.Sprintf("u%d", s.rng.IntN(5000))
			e["userId"] = userID
		} else {
			anonID = fmt.Sprintf("anon-%d-%08x", s.id, s.rng.Uint32())
			e["anonymousId"] = anonID
		}
		switch r := s.rng.IntN(6); {
		case r == 0:
			e["type"], e["traits"] = "identify", map[string]any{"email": fmt.Sprintf("user%d@example.com", s.seq), "plan": "team", "logins": s.rng.IntN(300)}
		case r <= 2:
			name := pageNames[s.rng.IntN(len(pageNames))]
			e["type"], e["name"] = "page", name
			e["properties"] = map[string]any{"path": "/" + strings.ToLower(name), "title": name + " – Acme", "referrer": "https://www.google.com/"}
		default:
			e["type"], e["event"] = "track", trackNames[s.rng.IntN(len(trackNames))]
			e["properties"] = map[string]any{"product_id": fmt.Sprintf("sku-%d", s.rng.IntN(900)), "price": float64(s.rng.IntN(20000)) / 100, "currency": "EUR", "quantity": 1 + s.rng.IntN(3)}
		}
		events[i] = e
		b.ids = append(b.ids, id)
		fps[i] = fingerprint(e["type"].(string), userID, anonID)
	}
	s.led.mu.Lock()
	for i, id := range b.ids {
		s.led.sent[id] = fps[i]
	}
	s.led.mu.Unlock()
	b.body, _ = json.Marshal(map[string]any{"batch": events})
	return b
}
