package demo

import (
	"fmt"
	"testing"
	"time"
)

func TestZZBig(t *testing.T) {
	t0 := time.Now()
	p := Generate(Config{People: 100000, Seed: 42})
	fmt.Println("gen", time.Since(t0), len(p.Truth))
	popMu.Lock()
	popCache[Config{People: 1000, Seed: 1}] = p
	popMu.Unlock()
	TestCollisionsAreLabelled(t)
	TestPhonesValidUnlessMarked(t)
	TestTruthCoversEveryEvent(t)
}
