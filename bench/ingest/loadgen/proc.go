package main

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"syscall"
	"time"
)

// rssSample is one reading of the server's resident set.
type rssSample struct {
	t   time.Duration // since the start of the measured window
	rss int64         // bytes
}

// readRSS returns VmRSS of pid in bytes.
func readRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(rest) // "123456 kB"
			if len(f) < 1 {
				break
			}
			kb, err := strconv.ParseInt(string(f[0]), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

// clkTck is USER_HZ; it is 100 on every Linux the benchmark targets, and
// reading it properly needs sysconf via cgo, which the build forbids.
const clkTck = 100

// procCPU returns user+system CPU time consumed so far by pid.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// comm (field 2) may contain spaces; fields are counted after its ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 { // utime, stime are fields 14, 15 = f[11], f[12]
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	st, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad cpu fields in /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * time.Second / clkTck, nil
}

// selfCPU is the generator's own CPU time, to show how much of the shared
// machine the load itself took.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssStats summarises samples for the memory-flat check.
type rssStats struct {
	Samples       int     `json:"samples"`
	StartMB       float64 `json:"start_mb"`
	MedianMB      float64 `json:"median_mb"`
	MaxMB         float64 `json:"max_mb"`
	EndMB         float64 `json:"end_mb"`
	SlopeMBPerMin float64 `json:"rss_slope_mb_per_min"`
}

const mb = 1 << 20

func summarizeRSS(s []rssSample) *rssStats {
	if len(s) == 0 {
		return nil
	}
	vals := make([]int64, len(s))
	for i, x := range s {
		vals[i] = x.rss
	}
	slices.Sort(vals)
	return &rssStats{
		Samples:  len(s),
		StartMB:  float64(s[0].rss) / mb,
		MedianMB: float64(vals[len(vals)/2]) / mb,
		MaxMB:    float64(vals[len(vals)-1]) / mb,
		EndMB:    float64(s[len(s)-1].rss) / mb,
		// The first half includes heap growth to steady state, which is
		// expected; a leak shows as a slope once that has settled.
		SlopeMBPerMin: slope(s[len(s)/2:]),
	}
}

// slope is the least-squares slope of rss over time, in MB per minute.
func slope(s []rssSample) float64 {
	if len(s) < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for _, p := range s {
		x := p.t.Minutes()
		y := float64(p.rss) / mb
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	n := float64(len(s))
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// machineBusy returns the CPU time all processes on the machine have used,
// so a report can show how much went to neither server nor generator: on a
// shared machine that is the noise in the measurement.
func machineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat")
	}
	var ticks int64
	for i, v := range f[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clkTck, nil
}
