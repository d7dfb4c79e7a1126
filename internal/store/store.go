// Package store is Rivet's embedded key-value store (Pebble). The layout of
// every key lives in keys.go so that the whole on-disk format reads in one place.
package store

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
)

// ErrNotFound is returned by Get when the key is absent.
var ErrNotFound = errors.New("store: not found")

// DB wraps a Pebble database.
type DB struct {
	pdb *pebble.DB
}

// Open opens or creates the store in dir.
func Open(dir string) (*DB, error) {
	// Larger memtables mean fewer, larger L0 files and less compaction work for
	// the index keys that arrive at ingest rate; the cache keeps filter and
	// index blocks resident for lookups.
	opts := &pebble.Options{
		Logger:                      quietLogger{},
		MemTableSize:                64 << 20,
		MemTableStopWritesThreshold: 4,
		// Reads are rare (a dedupe lookup only when the in-memory filter says
		// "maybe", listings), writes constant: trade read amplification for
		// less compaction.
		L0CompactionThreshold: 16,
		L0StopWritesThreshold: 64,
		LBaseMaxBytes:         1 << 30,
		Cache:                 pebble.NewCache(128 << 20),
		// No write-ahead log: everything written at ingest rate derives from
		// the event log and is rebuilt from it after a crash (see
		// ingest.Pipeline.Recover); the few writes that do not (keys, sources)
		// are made durable by flushing (Commit with sync).
		DisableWAL: true,
	}
	defer opts.Cache.Unref()
	opts.EnsureDefaults()
	// Bloom filters make dedupe lookups of unseen message ids (the common case)
	// skip every sstable without reading a data block.
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	pdb, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return &DB{pdb: pdb}, nil
}

// Close flushes and closes the store, so that the next start has nothing to recover.
func (d *DB) Close() error {
	return errors.Join(d.pdb.Flush(), d.pdb.Close())
}

// Get returns a copy of the value stored under key.
func (d *DB) Get(key []byte) ([]byte, error) {
	v, closer, err := d.pdb.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store get: %w", err)
	}
	out := bytes.Clone(v)
	closer.Close()
	return out, nil
}

// Has reports whether key exists, without copying its value.
func (d *DB) Has(key []byte) (bool, error) {
	_, closer, err := d.pdb.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store get: %w", err)
	}
	closer.Close()
	return true, nil
}

// Batch collects writes applied atomically by Commit.
type Batch struct {
	db     *pebble.DB
	b      *pebble.Batch
	closed bool // Pebble recycles closed batches: closing twice corrupts another user's batch
}

// NewBatch starts a batch.
func (d *DB) NewBatch() *Batch { return &Batch{db: d.pdb, b: d.pdb.NewBatch()} }

// Set adds a write to the batch.
func (b *Batch) Set(key, value []byte) { _ = b.b.Set(key, value, nil) }

// Delete adds a deletion to the batch.
func (b *Batch) Delete(key []byte) { _ = b.b.Delete(key, nil) }

// DeleteRange deletes every key in [start, end).
func (b *Batch) DeleteRange(start, end []byte) { _ = b.b.DeleteRange(start, end, nil) }

// Len is the number of writes in the batch.
func (b *Batch) Len() int { return int(b.b.Count()) }

// Commit applies the batch. With sync it returns once the batch is on
// stable storage (the store flushes its memtable: there is no WAL).
func (b *Batch) Commit(sync bool) error {
	if err := b.b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("store commit: %w", err)
	}
	b.closed = true
	if err := b.b.Close(); err != nil {
		return err
	}
	if sync {
		if err := b.db.Flush(); err != nil {
			return fmt.Errorf("store flush: %w", err)
		}
	}
	return nil
}

// Close discards an uncommitted batch; after Commit it does nothing.
func (b *Batch) Close() {
	if !b.closed {
		b.closed = true
		_ = b.b.Close()
	}
}

// Iterate calls fn for each key with the given prefix, ascending or descending.
// When from is non-nil iteration starts at from (inclusive) instead of the
// prefix's first (or last) key. fn returns false to stop. Key and value are
// only valid during the call.
func (d *DB) Iterate(prefix, from []byte, reverse bool, fn func(key, value []byte) bool) error {
	it, err := d.pdb.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("store iterate: %w", err)
	}
	var ok bool
	switch {
	case reverse && from != nil:
		ok = it.SeekLT(append(bytes.Clone(from), 0))
	case reverse:
		ok = it.Last()
	case from != nil:
		ok = it.SeekGE(from)
	default:
		ok = it.First()
	}
	for ; ok; ok = step(it, reverse) {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	if err := it.Close(); err != nil {
		return fmt.Errorf("store iterate: %w", err)
	}
	return nil
}

func step(it *pebble.Iterator, reverse bool) bool {
	if reverse {
		return it.Prev()
	}
	return it.Next()
}

// prefixEnd is the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

type quietLogger struct{}

func (quietLogger) Infof(string, ...any)  {}
func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
