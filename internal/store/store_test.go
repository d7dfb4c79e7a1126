package store

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestBatchCommitThenCloseIsSafe(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Batches are recycled by Pebble: a second Close after Commit must not
	// release a batch another goroutine is already using.
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				b := db.NewBatch()
				b.Set([]byte(fmt.Sprintf("k/%d/%d", g, i)), []byte("v"))
				if err := b.Commit(false); err != nil {
					t.Error(err)
				}
				b.Close()
			}
		}()
	}
	wg.Wait()
	n := 0
	db.Iterate([]byte("k/"), nil, false, func(_, _ []byte) bool { n++; return true })
	if n != 800 {
		t.Fatalf("%d keys, want 800", n)
	}
}

func TestIterateBounds(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := db.NewBatch()
	for i := 0; i < 5; i++ {
		b.Set(AppendSourceEventKey(nil, "s1", int64(i*10)), nil)
	}
	b.Set(AppendSourceEventKey(nil, "s10", 1), nil) // shares the "s1" prefix bytes, not the key prefix
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	var got []int64
	db.Iterate(SourceEventsPrefix("s1"), AppendSourceEventKey(nil, "s1", 25), true, func(k, _ []byte) bool {
		got = append(got, OffsetSuffix(k))
		return true
	})
	if fmt.Sprint(got) != "[20 10 0]" {
		t.Fatalf("reverse from 25 = %v", got)
	}
	if _, err := db.Get([]byte("nope")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing = %v", err)
	}
	if !bytes.Equal(prefixEnd([]byte{1, 0xff}), []byte{2}) || prefixEnd([]byte{0xff}) != nil {
		t.Fatal("PrefixEnd")
	}
}

func TestIndexKeysArePrefixPlusOffset(t *testing.T) {
	if !bytes.Equal(AppendSourceEventKey([]byte("x"), "s1", 7)[1:], OffsetKey(SourceEventsPrefix("s1"), 7)) ||
		!bytes.Equal(AppendQuarantineKey(nil, "s1", 7), OffsetKey(QuarantinePrefix("s1"), 7)) ||
		!bytes.Equal(AppendIdentEventKey(nil, "ws", 'u', "张三", 9), OffsetKey(IdentEventsPrefix("ws", 'u', "张三"), 9)) {
		t.Fatal("index key is not its prefix plus the offset")
	}
	if bytes.HasPrefix(IdentEventsPrefix("ws", 'u', "ab"), IdentEventsPrefix("ws", 'u', "a")) {
		t.Fatal("one identifier's prefix covers another's")
	}
}
