package demo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a fake /v1/batch endpoint. respond, if set, may answer a
// request itself (returning true) to inject failures.
type recorder struct {
	t       *testing.T
	keys    map[string]string // write key -> channel
	respond func(w http.ResponseWriter, n int) bool
	calls   atomic.Int64

	mu      sync.Mutex
	ids     map[string]string // messageId -> channel
	maxBody int
	maxN    int
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(rc.calls.Add(1))
	if rc.respond != nil && rc.respond(w, n) {
		return
	}
	key, pass, ok := r.BasicAuth()
	ch, known := rc.keys[key]
	if r.Method != http.MethodPost || r.URL.Path != "/v1/batch" || !ok || pass != "" || !known {
		rc.t.Errorf("bad request %s %s auth=%q/%q", r.Method, r.URL.Path, key, pass)
		http.Error(w, "bad", http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req struct {
		Batch  []map[string]any `json:"batch"`
		SentAt string           `json:"sentAt"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Batch) == 0 {
		rc.t.Errorf("bad body: %v", err)
	}
	if _, err := time.Parse(time.RFC3339Nano, req.SentAt); err != nil {
		rc.t.Errorf("bad sentAt %q", req.SentAt)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		rc.t.Errorf("content type %q", ct)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.maxBody = max(rc.maxBody, len(body))
	rc.maxN = max(rc.maxN, len(req.Batch))
	for _, ev := range req.Batch {
		id, _ := ev["messageId"].(string)
		if _, dup := rc.ids[id]; dup {
			rc.t.Errorf("message %s delivered twice", id)
		}
		rc.ids[id] = ch
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"success":true}`))
}

func writeKeys() (map[string]string, map[string]string) {
	byChannel, byKey := map[string]string{}, map[string]string{}
	for _, ch := range Channels {
		k := "wk_" + ch
		byChannel[ch], byKey[k] = k, ch
	}
	return byChannel, byKey
}

func TestSend(t *testing.T) {
	pop := population(t, 200, 5)
	total := 0
	for _, ch := range Channels {
		total += len(pop.Events[ch])
	}
	cases := []struct {
		name      string
		batchSize int
		respond   func(w http.ResponseWriter, n int) bool
		wantCalls func(calls int) bool
	}{
		{"plain", 50, nil, nil},
		{"batch size capped at 100", 1000, nil, nil},
		{"429 with Retry-After is retried", 100, func(w http.ResponseWriter, n int) bool {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return true
			}
			return false
		}, nil},
		{"503 is retried", 100, func(w http.ResponseWriter, n int) bool {
			if n <= 2 {
				http.Error(w, "restarting", http.StatusServiceUnavailable)
				return true
			}
			return false
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys, byKey := writeKeys()
			rc := &recorder{t: t, keys: byKey, respond: tc.respond, ids: map[string]string{}}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			var last atomic.Int64
			began := time.Now()
			sent, err := Send(context.Background(), srv.Client(), srv.URL+"/", keys, pop, tc.batchSize, 4,
				func(s, tot int) {
					if tot != total || int64(s) <= last.Load() {
						t.Errorf("progress(%d, %d) after %d", s, tot, last.Load())
					}
					last.Store(int64(s))
				})
			if err != nil || sent != total || int(last.Load()) != total {
				t.Fatalf("sent %d of %d (progress %d), err %v", sent, total, last.Load(), err)
			}
			if len(rc.ids) != total {
				t.Fatalf("server saw %d distinct events, want %d", len(rc.ids), total)
			}
			for _, ch := range Channels {
				for _, ev := range pop.Events[ch] {
					if got := rc.ids[ev["messageId"].(string)]; got != ch {
						t.Fatalf("event of %s arrived with the key of %q", ch, got)
					}
				}
			}
			if rc.maxN > min(tc.batchSize, MaxBatchEvents) || rc.maxBody >= MaxBatchBytes {
				t.Fatalf("batch of %d events / %d bytes", rc.maxN, rc.maxBody)
			}
			if strings.HasPrefix(tc.name, "429") && time.Since(began) < time.Second {
				t.Fatalf("Retry-After: 1 not honoured (took %v)", time.Since(began))
			}
		})
	}
}

// TestSendKeepsBatchesSmall uses fat events so the byte limit, not the
// event count, decides the batch boundaries.
func TestSendKeepsBatchesSmall(t *testing.T) {
	pop := &Population{Events: map[string][]Event{}}
	for i := range 150 {
		pop.Events["web"] = append(pop.Events["web"], Event{"type": "track", "event": "Big",
			"anonymousId": "a", "messageId": "m" + itoa(i), "properties": map[string]any{"blob": strings.Repeat("x", 20000)}})
	}
	keys, byKey := writeKeys()
	rc := &recorder{t: t, keys: byKey, ids: map[string]string{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	sent, err := Send(context.Background(), srv.Client(), srv.URL, keys, pop, 100, 2, nil)
	if err != nil || sent != 150 || len(rc.ids) != 150 {
		t.Fatalf("sent %d, server saw %d, err %v", sent, len(rc.ids), err)
	}
	if rc.maxBody >= MaxBatchBytes || rc.maxN >= 100 {
		t.Fatalf("largest request %d bytes with %d events", rc.maxBody, rc.maxN)
	}
}

func TestSendFailures(t *testing.T) {
	pop := population(t, 50, 5)
	cases := []struct {
		name      string
		keys      func(map[string]string)
		status    int
		wantCalls int64 // upper bound on requests made
		wantErr   string
	}{
		{"missing write key", func(k map[string]string) { delete(k, "pos") }, 0, 0, "no write key"},
		{"401 is not retried", nil, http.StatusUnauthorized, 1, "401"},
		{"400 stops the send", nil, http.StatusBadRequest, 1, "400"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys, byKey := writeKeys()
			if tc.keys != nil {
				tc.keys(keys)
			}
			rc := &recorder{t: t, keys: byKey, ids: map[string]string{}, respond: func(w http.ResponseWriter, n int) bool {
				http.Error(w, "nope", tc.status)
				return true
			}}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			sent, err := Send(context.Background(), srv.Client(), srv.URL, keys, pop, 100, 1, nil)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || sent != 0 {
				t.Fatalf("sent %d, err %v; want error containing %q", sent, err, tc.wantErr)
			}
			if rc.calls.Load() > tc.wantCalls {
				t.Fatalf("%d requests, want at most %d", rc.calls.Load(), tc.wantCalls)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 18, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"0", time.Millisecond},
		{"junk", 0},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second},
		{"86400", maxRetryAfter},
	}
	for _, tc := range cases {
		if got := retryAfter(tc.header, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}
