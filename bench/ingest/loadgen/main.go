// Command loadgen drives POST /v1/batch (Segment HTTP Tracking API) on
// loopback and reports sustained acknowledged events/s and ack latency.
//
// Every event carries a fresh messageId: the server dedupes on it, so
// replaying ids would measure the dedupe fast path, not ingestion.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

type config struct {
	url       string
	key       string
	conc      int
	duration  time.Duration
	warmup    time.Duration
	batch     int
	rate      float64
	poolSize  int
	serverPID int
	timeout   time.Duration
	label     string
}

func main() {
	var c config
	flag.StringVar(&c.url, "url", "http://127.0.0.1:8080", "server base URL; /v1/batch is appended")
	flag.StringVar(&c.key, "key", "", "write key (Basic auth username, empty password)")
	flag.IntVar(&c.conc, "concurrency", 16, "concurrent requests (one connection each)")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "measured duration (after warmup)")
	flag.DurationVar(&c.warmup, "warmup", 3*time.Second, "load before measuring, excluded from stats")
	flag.IntVar(&c.batch, "batch", 100, "events per request")
	flag.Float64Var(&c.rate, "rate", 0, "target events/s in total; 0 = closed loop, as fast as acks allow")
	flag.IntVar(&c.poolSize, "events-pool", 10000, "distinct pre-generated events")
	flag.IntVar(&c.serverPID, "server-pid", 0, "if set, sample this process's RSS and CPU")
	flag.DurationVar(&c.timeout, "timeout", 30*time.Second, "per-request timeout")
	flag.StringVar(&c.label, "label", "", "free-form label copied into the JSON report")
	flag.Parse()
	// Worker ids are 16 bits wide inside messageIds.
	if c.conc < 1 || c.conc > 1<<16 || c.batch < 1 || c.poolSize < 1 || c.duration <= 0 || c.rate < 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -concurrency (<= 65536), -batch, -events-pool, -duration must be positive, -rate >= 0")
		os.Exit(2)
	}
	rep, err := run(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
	rep.printHuman(os.Stderr)
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(rep); err != nil {
		os.Exit(1)
	}
	if rep.OKRequests == 0 {
		fmt.Fprintln(os.Stderr, "loadgen: no request was acknowledged")
		os.Exit(1)
	}
}

// wstats is owned by one worker until the run ends.
type wstats struct {
	lat, svc     *hist
	okReq, okEv  uint64 // acknowledged inside the measured window
	windowReq    uint64
	errs         map[string]uint64 // whole run, warmup included
	bodyBytes    uint64
	bodiesCount  uint64
	behindPasses uint64 // paced sends that started late: generator or server can't keep up
}

func run(c config) (*report, error) {
	p, err := newPool(c.poolSize, 1)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        c.conc,
		MaxIdleConnsPerHost: c.conc,
		MaxConnsPerHost:     c.conc,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		// Bodies are ~60 KB; default 4 KB buffers mean many small writes.
		WriteBufferSize: 64 << 10,
		ReadBufferSize:  16 << 10,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: c.timeout}
	target := strings.TrimRight(c.url, "/") + "/v1/batch"
	auth := []string{"Basic " + base64.StdEncoding.EncodeToString([]byte(c.key+":"))}
	runID := rand.Uint32()

	start := time.Now()
	measureStart := start.Add(c.warmup)
	end := measureStart.Add(c.duration)

	// Sample the server from the start of the measured window.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rss []rssSample
	var cpu0, cpu1 time.Duration
	var self0, self1, busy0 time.Duration
	var smu sync.Mutex
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		time.Sleep(time.Until(measureStart))
		self0 = selfCPU()
		busy0, _ = machineBusy()
		if c.serverPID == 0 {
			return
		}
		cpu0, _ = procCPU(c.serverPID)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			now := time.Now()
			if v, err := readRSS(c.serverPID); err == nil {
				smu.Lock()
				rss = append(rss, rssSample{now.Sub(measureStart), v})
				smu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	// Pacing: each worker owns an equal share of the rate with its own
	// schedule, phase-shifted so requests are spread across the interval.
	var interval time.Duration
	if c.rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(c.conc*c.batch) / c.rate)
		if interval <= 0 {
			return nil, fmt.Errorf("-rate %.0f is too high to pace", c.rate)
		}
	}
	stats := make([]*wstats, c.conc)
	var wg sync.WaitGroup
	for i := range c.conc {
		s := &wstats{lat: newHist(), svc: newHist(), errs: map[string]uint64{}}
		stats[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			cursor := i * len(p.tmpl) / c.conc
			gen := newIDGen(runID, uint16(i))
			buf := make([]byte, 0, c.batch*900)
			next := start.Add(interval * time.Duration(i) / time.Duration(c.conc))
			for {
				intended := next
				if c.rate > 0 {
					next = next.Add(interval)
				} else {
					intended = time.Now()
				}
				if intended.After(end) || time.Now().After(end) {
					return
				}
				buf = p.appendBody(buf[:0], c.batch, &cursor, gen, intended)
				if d := time.Until(intended); d > 0 {
					time.Sleep(d)
				} else if c.rate > 0 && d < -time.Millisecond {
					s.behindPasses++
				}
				sent := time.Now()
				status := send(client, target, auth, buf)
				done := time.Now()
				s.bodyBytes += uint64(len(buf))
				s.bodiesCount++
				if status != "200" {
					s.errs[status]++
				}
				if done.Before(measureStart) || done.After(end) {
					continue
				}
				s.windowReq++
				if status == "200" {
					s.okReq++
					s.okEv += uint64(c.batch)
					// With pacing, latency counts from when the request was
					// due, so a stalled server can't hide queued requests
					// (coordinated omission); svc is the bare round trip.
					s.lat.record(done.Sub(intended))
					s.svc.record(done.Sub(sent))
				}
			}
		}()
	}
	wg.Wait()
	finished := time.Now()
	self1 = selfCPU()
	busy1, _ := machineBusy()
	if c.serverPID != 0 {
		cpu1, _ = procCPU(c.serverPID)
		if v, err := readRSS(c.serverPID); err == nil {
			smu.Lock()
			rss = append(rss, rssSample{finished.Sub(measureStart), v})
			smu.Unlock()
		}
	}
	cancel()
	sampler.Wait()

	stop := end
	if finished.Before(end) {
		stop = finished
	}
	window := stop.Sub(measureStart)
	r := buildReport(c, stats, window, self1-self0, cpu1-cpu0, summarizeRSS(rss))
	if busy0 > 0 && busy1 > busy0 && window > 0 {
		r.MachineCPU = (busy1 - busy0).Seconds() / window.Seconds()
		r.OtherCPU = max(0, r.MachineCPU-r.LoadgenCPU-r.ServerCPU)
	}
	r.CPUs = runtime.NumCPU()
	return r, nil
}

// send posts one body and returns "200", another status code, or a short
// transport-error class.
func send(client *http.Client, url string, auth []string, body []byte) string {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "request"
	}
	req.Header["Authorization"] = auth
	req.Header["Content-Type"] = []string{"application/json"}
	resp, err := client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "transport"
	}
	// Drain so the keep-alive connection is reused.
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return fmt.Sprint(resp.StatusCode)
}
