// Command benchutil holds the small jobs run.sh would otherwise need curl
// and jq for, so the benchmark runs anywhere Go builds.
//
//	benchutil wait URL TIMEOUT        poll URL until it answers 200
//	benchutil median FIELD FILE...    median of a numeric field over reports
//	benchutil ratio FIELD A... -- B...  median of paired ratios A[i]/B[i]
//	benchutil freeport                 print a loopback TCP port that is free now
//
// FIELD is a dotted path into the loadgen JSON report, e.g. latency_ms.p99.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "freeport" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fail(err)
		}
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
		l.Close()
		return
	}
	if len(os.Args) < 3 {
		usage()
	}
	switch os.Args[1] {
	case "wait":
		if len(os.Args) != 4 {
			usage()
		}
		d, err := time.ParseDuration(os.Args[3])
		if err != nil {
			fail(err)
		}
		if err := wait(os.Args[2], d); err != nil {
			fail(err)
		}
	case "median":
		vals, err := fields(os.Args[2], os.Args[3:])
		if err != nil {
			fail(err)
		}
		fmt.Println(format(median(vals)))
	case "ratio":
		i := slices.Index(os.Args, "--")
		if i < 0 {
			usage()
		}
		a, err := fields(os.Args[2], os.Args[3:i])
		if err != nil {
			fail(err)
		}
		b, err := fields(os.Args[2], os.Args[i+1:])
		if err != nil {
			fail(err)
		}
		if len(a) != len(b) || len(a) == 0 {
			fail(fmt.Errorf("ratio needs equally many files on both sides, got %d and %d", len(a), len(b)))
		}
		// Pairing runs that sat next to each other in time cancels slow
		// drift in a noisy machine better than dividing two medians.
		r := make([]float64, len(a))
		for i := range a {
			if b[i] != 0 {
				r[i] = a[i] / b[i]
			}
		}
		fmt.Printf("%.2f\n", median(r))
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchutil wait URL TIMEOUT | median FIELD FILE... | ratio FIELD A... -- B... | freeport")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchutil:", err)
	os.Exit(1)
}

func wait(url string, timeout time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			return fmt.Errorf("%s not ready after %v: %v", url, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// fields extracts a numeric dotted-path field from each JSON file, in order.
func fields(path string, files []string) ([]float64, error) {
	var out []float64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, k := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = m[k]
		}
		x, ok := v.(float64)
		if !ok {
			return nil, fmt.Errorf("%s: no numeric field %q", f, path)
		}
		out = append(out, x)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no files for %s", path)
	}
	return out, nil
}

// median of an even count averages the middle two.
func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func format(x float64) string {
	if x >= 1000 || x <= -1000 || x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.2f", x)
}
