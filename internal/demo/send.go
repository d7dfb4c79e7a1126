package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of the Segment-compatible /v1/batch endpoint. The byte limit is
// decimal so a body is under 500 KB whichever way a server counts a KB.
const (
	MaxBatchEvents = 100
	MaxBatchBytes  = 500 * 1000
	MaxEventBytes  = 32 * 1000
)

const (
	maxAttempts   = 8
	firstBackoff  = 250 * time.Millisecond
	maxBackoff    = 30 * time.Second
	maxRetryAfter = 2 * time.Minute // a bogus Retry-After must not stall a demo for hours
)

// envelope bytes around the events: `{"batch":[` … `],"sentAt":"<RFC3339Nano>"}`.
const envelopeBytes = len(`{"batch":[],"sentAt":""}`) + len(time.RFC3339Nano) + 8

type batchJob struct {
	channel, key string
	events       []byte // comma-joined JSON events
	n            int
}

// Send posts every channel's events to baseURL+"/v1/batch" as the public
// HTTP API receives them: Basic auth with the channel's write key as the
// username and an empty password, body {"batch":[...],"sentAt":...}.
// Batches hold at most batchSize (capped at MaxBatchEvents) events and stay
// under MaxBatchBytes. concurrency requests run at once. 429 and 5xx
// responses and transport errors are retried with exponential backoff,
// waiting for Retry-After when the server sends one; any other status
// fails the send. Send stops at the first failure and returns how many
// events the server accepted and that failure. progress, if not nil, is
// called after each accepted batch, never concurrently.
func Send(ctx context.Context, client *http.Client, baseURL string, writeKeys map[string]string, pop *Population,
	batchSize, concurrency int, progress func(sent, total int)) (int, error) {
	if client == nil {
		client = http.DefaultClient
	}
	if batchSize <= 0 || batchSize > MaxBatchEvents {
		batchSize = MaxBatchEvents
	}
	concurrency = max(1, concurrency)
	url := strings.TrimRight(baseURL, "/") + "/v1/batch"
	total := 0
	for _, ch := range Channels {
		if n := len(pop.Events[ch]); n > 0 {
			if writeKeys[ch] == "" {
				return 0, fmt.Errorf("demo: no write key for channel %q", ch)
			}
			total += n
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		sent     atomic.Int64
		errOnce  sync.Once
		firstErr error
		progMu   sync.Mutex
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	jobs := make(chan batchJob, concurrency)
	for range concurrency {
		wg.Go(func() {
			for job := range jobs {
				if ctx.Err() != nil {
					continue // drain so the producer never blocks
				}
				if err := post(ctx, client, url, job); err != nil {
					fail(err)
					continue
				}
				s := int(sent.Add(int64(job.n)))
				if progress != nil {
					progMu.Lock()
					progress(s, total)
					progMu.Unlock()
				}
			}
		})
	}
	produceErr := produceBatches(ctx, pop, writeKeys, batchSize, jobs)
	close(jobs)
	wg.Wait()
	if produceErr != nil {
		fail(produceErr)
	}
	if firstErr == nil && int(sent.Load()) < total {
		firstErr = ctx.Err() // the caller cancelled
	}
	return int(sent.Load()), firstErr
}

// produceBatches marshals events lazily, so memory stays bounded by the
// batches in flight rather than by the population.
func produceBatches(ctx context.Context, pop *Population, keys map[string]string, size int, jobs chan<- batchJob) error {
	for _, ch := range Channels {
		var buf []byte
		n := 0
		flush := func() bool {
			if n == 0 {
				return true
			}
			job := batchJob{channel: ch, key: keys[ch], events: buf, n: n}
			buf, n = nil, 0
			select {
			case jobs <- job:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, ev := range pop.Events[ch] {
			b, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("demo: encode %s event: %w", ch, err)
			}
			if len(b) >= MaxEventBytes {
				return fmt.Errorf("demo: %s event %v is %d bytes, over the %d-byte limit", ch, ev["messageId"], len(b), MaxEventBytes)
			}
			if n == size || len(buf)+1+len(b)+envelopeBytes >= MaxBatchBytes {
				if !flush() {
					return nil
				}
			}
			if n > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, b...)
			n++
		}
		if !flush() {
			return nil
		}
	}
	return nil
}

func envelope(events []byte, now time.Time) []byte {
	body := make([]byte, 0, len(events)+envelopeBytes)
	body = append(body, `{"batch":[`...)
	body = append(body, events...)
	body = append(body, `],"sentAt":"`...)
	body = now.UTC().AppendFormat(body, time.RFC3339Nano)
	return append(body, `"}`...)
}

// post delivers one batch, retrying what a loaded or restarting server
// answers with. sentAt is refreshed per attempt, as SDKs do, so the server
// can correct for clock skew.
func post(ctx context.Context, client *http.Client, url string, job batchJob) error {
	backoff := firstBackoff
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(envelope(job.events, time.Now())))
		if err != nil {
			return err
		}
		req.SetBasicAuth(job.key, "")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "rivet-demo")
		resp, err := client.Do(req)
		var wait time.Duration
		var why error
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			why = err
		} else {
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // reuse the connection
			resp.Body.Close()
			switch {
			case resp.StatusCode/100 == 2:
				return nil
			case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
				why = fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(msg))
				wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
			default:
				return fmt.Errorf("demo: POST %s for %s: %s: %s", url, job.channel, resp.Status, bytes.TrimSpace(msg))
			}
		}
		if attempt >= maxAttempts {
			return fmt.Errorf("demo: POST %s for %s: giving up after %d attempts: %w", url, job.channel, attempt, why)
		}
		if wait == 0 {
			wait = backoff/2 + rand.N(backoff/2+1) // jitter keeps workers from retrying in lockstep
			backoff = min(2*backoff, maxBackoff)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// retryAfter parses a Retry-After header (delta seconds or HTTP date);
// zero means "not given", and the caller falls back to its own backoff.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.Atoi(h); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	} else {
		return 0
	}
	if d <= 0 {
		return time.Millisecond // "retry now" still yields to other workers
	}
	return min(d, maxRetryAfter)
}
