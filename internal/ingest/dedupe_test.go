package ingest

import (
	"fmt"
	"testing"
)

func TestDedupeFilterWindow(t *testing.T) {
	f := newDedupeFilter(1 << 12)
	key := func(s string) []byte { return filterKey(nil, "src", s) }
	f.advance(10)
	f.add(10, key("a"))
	f.add(9, key("old"))
	if !f.mayContain(key("a")) || !f.mayContain(key("old")) {
		t.Fatal("filter forgot keys of the window")
	}
	f.advance(11) // "a" moves to the previous bucket, "old" leaves the window
	if !f.mayContain(key("a")) {
		t.Fatal("key of the previous bucket forgotten")
	}
	if f.mayContain(key("old")) {
		t.Fatal("key older than the window still present")
	}
	f.advance(20)
	if f.mayContain(key("a")) {
		t.Fatal("a jump past the window must clear both buckets")
	}
	// No false negatives, and false positives near the configured 1%.
	for i := 0; i < 4096; i++ {
		f.add(20, key(fmt.Sprint("k", i)))
	}
	fp := 0
	for i := 0; i < 4096; i++ {
		if !f.mayContain(key(fmt.Sprint("k", i))) {
			t.Fatalf("false negative for k%d", i)
		}
		if f.mayContain(key(fmt.Sprint("other", i))) {
			fp++
		}
	}
	if fp > 4096/25 {
		t.Fatalf("%d false positives of 4096", fp)
	}
}
