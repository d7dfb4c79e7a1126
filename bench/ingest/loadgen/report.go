package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

type latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

type report struct {
	Label        string  `json:"label,omitempty"`
	URL          string  `json:"url"`
	Concurrency  int     `json:"concurrency"`
	Batch        int     `json:"batch"`
	TargetRate   float64 `json:"target_rate"`
	WarmupSec    float64 `json:"warmup_s"`
	WindowSec    float64 `json:"window_s"`
	Requests     uint64  `json:"requests"`
	OKRequests   uint64  `json:"ok_requests"`
	Events       uint64  `json:"events"`
	EventsPerSec float64 `json:"events_per_sec"`
	// Errors covers the whole run including warmup: failures there matter too.
	Errors       map[string]uint64 `json:"errors"`
	ErrorCount   uint64            `json:"error_count"`
	AvgBodyBytes float64           `json:"avg_body_bytes"`
	// LatencyMS is ack latency; with -rate it counts from the scheduled send
	// time. ServiceMS is the bare HTTP round trip.
	LatencyMS      latency   `json:"latency_ms"`
	ServiceMS      latency   `json:"service_ms"`
	LateSends      uint64    `json:"late_sends"`
	LoadgenCPU     float64   `json:"loadgen_cpu_cores"`
	ServerCPU      float64   `json:"server_cpu_cores,omitempty"`
	MachineCPU     float64   `json:"machine_busy_cores"`
	OtherCPU       float64   `json:"other_cpu_cores"` // neither server nor loadgen: noise
	CPUs           int       `json:"cpus"`
	ServerRSS      *rssStats `json:"server_rss,omitempty"`
	ServerCPUPerEv float64   `json:"server_cpu_us_per_event,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func latencyOf(h *hist) latency {
	return latency{
		P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)),
		P99: ms(h.quantile(0.99)), P999: ms(h.quantile(0.999)),
		Max: ms(time.Duration(h.max)), Mean: ms(h.mean()),
	}
}

func buildReport(c config, stats []*wstats, window, selfCPU, srvCPU time.Duration, rss *rssStats) *report {
	lat, svc := newHist(), newHist()
	r := &report{
		Label: c.label, URL: c.url, Concurrency: c.conc, Batch: c.batch,
		TargetRate: c.rate, WarmupSec: c.warmup.Seconds(), WindowSec: window.Seconds(),
		Errors: map[string]uint64{}, ServerRSS: rss,
	}
	var bodyBytes, bodies uint64
	for _, s := range stats {
		lat.merge(s.lat)
		svc.merge(s.svc)
		r.Requests += s.windowReq
		r.OKRequests += s.okReq
		r.Events += s.okEv
		r.LateSends += s.behindPasses
		bodyBytes += s.bodyBytes
		bodies += s.bodiesCount
		for k, v := range s.errs {
			r.Errors[k] += v
			r.ErrorCount += v
		}
	}
	if bodies > 0 {
		r.AvgBodyBytes = float64(bodyBytes) / float64(bodies)
	}
	if window > 0 {
		r.EventsPerSec = float64(r.Events) / window.Seconds()
		r.LoadgenCPU = selfCPU.Seconds() / window.Seconds()
		if c.serverPID != 0 {
			r.ServerCPU = srvCPU.Seconds() / window.Seconds()
		}
	}
	if r.Events > 0 && srvCPU > 0 {
		r.ServerCPUPerEv = float64(srvCPU.Microseconds()) / float64(r.Events)
	}
	r.LatencyMS = latencyOf(lat)
	r.ServiceMS = latencyOf(svc)
	return r
}

func (r *report) printHuman(w io.Writer) {
	mode := "closed loop"
	if r.TargetRate > 0 {
		mode = fmt.Sprintf("paced at %.0f ev/s", r.TargetRate)
	}
	fmt.Fprintf(w, "%s c=%d batch=%d %s, %.1fs measured after %.1fs warmup\n",
		r.URL, r.Concurrency, r.Batch, mode, r.WindowSec, r.WarmupSec)
	fmt.Fprintf(w, "  %.0f events/s acknowledged (%d requests ok of %d, avg body %.0f B)\n",
		r.EventsPerSec, r.OKRequests, r.Requests, r.AvgBodyBytes)
	l := r.LatencyMS
	fmt.Fprintf(w, "  ack latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
		l.P50, l.P90, l.P99, l.P999, l.Max)
	if r.TargetRate > 0 {
		s := r.ServiceMS
		fmt.Fprintf(w, "  round trip ms:  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (late sends %d)\n",
			s.P50, s.P90, s.P99, s.Max, r.LateSends)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "  errors:")
		for _, k := range slices.Sorted(maps.Keys(r.Errors)) {
			fmt.Fprintf(w, " %s=%d", k, r.Errors[k])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  cpu cores: loadgen %.2f", r.LoadgenCPU)
	if r.ServerCPU > 0 {
		fmt.Fprintf(w, ", server %.2f (%.2f µs/event)", r.ServerCPU, r.ServerCPUPerEv)
	}
	fmt.Fprintf(w, ", everything else %.2f, of %d\n", r.OtherCPU, r.CPUs)
	if m := r.ServerRSS; m != nil {
		fmt.Fprintf(w, "  server RSS MB: start %.1f  median %.1f  max %.1f  end %.1f  slope(2nd half) %+.2f MB/min\n",
			m.StartMB, m.MedianMB, m.MaxMB, m.EndMB, m.SlopeMBPerMin)
	}
}
