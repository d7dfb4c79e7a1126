package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"testing"
	"time"
)

func TestZZStats(t *testing.T) {
	n := 1000
	if s := os.Getenv("DEMO_N"); s != "" {
		fmt.Sscan(s, &n)
	}
	var ms0 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	t0 := time.Now()
	pop := Generate(Config{People: n, Seed: 1})
	el := time.Since(t0)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	total := 0
	for _, c := range Channels {
		total += len(pop.Events[c])
		fmt.Println(c, len(pop.Events[c]))
	}
	fmt.Printf("people=%d events=%d per=%.1f time=%v heap=%dMB totalalloc=%dMB\n", n, total, float64(total)/float64(n), el, (ms.HeapAlloc-ms0.HeapAlloc)>>20, (ms.TotalAlloc-ms0.TotalAlloc)>>20)
	noise := map[string]int{}
	for _, tr := range pop.Truth {
		for _, x := range tr.Noise {
			noise[x]++
		}
	}
	fmt.Println(noise)
	if os.Getenv("DEMO_SHOW") != "" {
		for _, c := range Channels {
			evs := pop.Events[c]
			for k := 0; k < 3 && k < len(evs); k++ {
				b, _ := json.Marshal(evs[len(evs)*k/3])
				fmt.Println(string(b))
			}
		}
		per := map[string]int{}
		for _, tr := range pop.Truth {
			per[tr.Person]++
		}
		var cs []int
		for _, v := range per {
			cs = append(cs, v)
		}
		sort.Ints(cs)
		fmt.Println("persons with events", len(cs), "min", cs[0], "median", cs[len(cs)/2], "p90", cs[len(cs)*9/10], "max", cs[len(cs)-1])
	}
}
