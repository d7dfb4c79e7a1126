// Package eventlog is Rivet's embedded event log: an append-only sequence of
// CRC-framed records in segment files, addressed by global byte offset.
//
// One goroutine writes (Write), one goroutine makes writes durable (Sync), and
// any number read records that are already durable (ReadAt, Scan). Splitting
// write from sync lets the next group be written while the previous one is
// being fsync'd, which is what group commit needs to keep the disk busy.
package eventlog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
)

// ErrOutOfRange means an offset does not address a durable record.
var ErrOutOfRange = errors.New("eventlog: offset out of range")

// Options tune the log. Zero values take the defaults.
type Options struct {
	SegmentBytes int64 // roll to a new file past this size (default 256 MiB)
	MaxRecord    int   // largest payload accepted (default 4 MiB)
}

// Log is the embedded event log.
type Log struct {
	dir  string
	opts Options

	mu       sync.RWMutex // guards segs and active
	segs     []*segment
	active   *segment
	writePos int64 // next offset to write; writer goroutine only
	written  atomic.Int64
	durable  atomic.Int64
	syncMu   sync.Mutex // one fsync at a time
	buf      []byte
}

// Open opens (or creates) the log in dir, truncating a torn tail left by a crash.
func Open(dir string, opts Options) (*Log, error) {
	if opts.SegmentBytes <= 0 {
		opts.SegmentBytes = 256 << 20
	}
	if opts.MaxRecord <= 0 {
		opts.MaxRecord = 4 << 20
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create log dir: %w", err)
	}
	l := &Log{dir: dir, opts: opts}
	bases, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	if len(bases) == 0 {
		bases = []int64{0}
	}
	for i, base := range bases {
		last := i == len(bases)-1
		flag := os.O_RDONLY
		if last {
			flag = os.O_RDWR | os.O_CREATE
		}
		f, err := os.OpenFile(segmentName(dir, base), flag, 0o640)
		if err != nil {
			l.closeFiles()
			return nil, fmt.Errorf("open log segment %d: %w", base, err)
		}
		s := &segment{base: base, f: f}
		l.segs = append(l.segs, s)
		if last {
			n, err := validLength(f, opts.MaxRecord+frameHeader)
			if err != nil {
				l.closeFiles()
				return nil, fmt.Errorf("recover log segment %d: %w", base, err)
			}
			if err := f.Truncate(n); err != nil {
				l.closeFiles()
				return nil, fmt.Errorf("truncate torn log tail: %w", err)
			}
			if _, err := f.Seek(n, io.SeekStart); err != nil {
				l.closeFiles()
				return nil, err
			}
			if err := f.Sync(); err != nil {
				l.closeFiles()
				return nil, fmt.Errorf("sync recovered log: %w", err)
			}
			l.active = s
			l.writePos = base + n
		}
	}
	if err := syncDir(dir); err != nil {
		l.closeFiles()
		return nil, fmt.Errorf("sync log dir: %w", err)
	}
	l.written.Store(l.writePos)
	l.durable.Store(l.writePos)
	return l, nil
}

// Write appends payloads as frames without syncing and returns each payload's
// offset and the end offset. Only one goroutine may call Write.
func (l *Log) Write(payloads [][]byte, offsets []int64) ([]int64, int64, error) {
	l.buf = l.buf[:0]
	pos := l.writePos
	for _, p := range payloads {
		if len(p) > l.opts.MaxRecord {
			return offsets, 0, fmt.Errorf("eventlog: record of %d bytes exceeds %d", len(p), l.opts.MaxRecord)
		}
		offsets = append(offsets, pos)
		l.buf = appendFrame(l.buf, p)
		pos += int64(len(p) + frameHeader)
	}
	if pos-l.active.base > l.opts.SegmentBytes && l.writePos > l.active.base {
		if err := l.roll(); err != nil {
			return offsets, 0, err
		}
		return l.Write(payloads, offsets[:0])
	}
	if _, err := l.active.f.Write(l.buf); err != nil {
		return offsets, 0, fmt.Errorf("write log: %w", err)
	}
	l.writePos = pos
	l.written.Store(pos)
	return offsets, pos, nil
}

// roll syncs the active segment and starts a new one at writePos.
func (l *Log) roll() error {
	if err := l.Sync(l.writePos); err != nil {
		return err
	}
	f, err := os.OpenFile(segmentName(l.dir, l.writePos), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("create log segment: %w", err)
	}
	if err := syncDir(l.dir); err != nil {
		f.Close()
		return fmt.Errorf("sync log dir: %w", err)
	}
	s := &segment{base: l.writePos, f: f}
	l.mu.Lock()
	l.segs = append(l.segs, s)
	l.active = s
	l.mu.Unlock()
	return nil
}

// Sync makes every record before upTo durable. Concurrent callers share fsyncs:
// a caller whose range another fsync already covered returns at once.
func (l *Log) Sync(upTo int64) error {
	if l.durable.Load() >= upTo {
		return nil
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.durable.Load() >= upTo {
		return nil
	}
	target := l.written.Load()
	l.mu.RLock()
	f := l.active.f
	l.mu.RUnlock()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync log: %w", err)
	}
	l.durable.Store(target)
	return nil
}

// Written is the offset up to which records are written (not necessarily durable).
func (l *Log) Written() int64 { return l.written.Load() }

// FrameSize is the space a payload takes in the log: the offset of the next record
// is the offset of this one plus FrameSize.
func FrameSize(payload []byte) int64 { return int64(len(payload) + frameHeader) }

// Durable is the offset up to which records are on stable storage.
func (l *Log) Durable() int64 { return l.durable.Load() }

func (l *Log) segmentFor(off int64) *segment {
	l.mu.RLock()
	defer l.mu.RUnlock()
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].base > off }) - 1
	if i < 0 {
		return nil
	}
	return l.segs[i]
}

// ReadAt returns the payload of the durable record at off.
func (l *Log) ReadAt(off int64) ([]byte, error) {
	if off < 0 || off >= l.durable.Load() {
		return nil, ErrOutOfRange
	}
	s := l.segmentFor(off)
	if s == nil {
		return nil, ErrOutOfRange
	}
	var h [frameHeader]byte
	if _, err := s.f.ReadAt(h[:], off-s.base); err != nil {
		return nil, fmt.Errorf("read log frame at %d: %w", off, err)
	}
	size := int(binary.LittleEndian.Uint32(h[0:4]))
	if size > l.opts.MaxRecord {
		return nil, fmt.Errorf("read log frame at %d: %w", off, ErrOutOfRange)
	}
	p := make([]byte, size)
	if _, err := s.f.ReadAt(p, off-s.base+frameHeader); err != nil {
		return nil, fmt.Errorf("read log record at %d: %w", off, err)
	}
	return p, nil
}

// Scan calls fn for every durable record at or after from, in order. The
// payload passed to fn is only valid during the call.
func (l *Log) Scan(from int64, fn func(off int64, payload []byte) error) error {
	end := l.durable.Load()
	l.mu.RLock()
	segs := append([]*segment(nil), l.segs...)
	l.mu.RUnlock()
	var buf []byte
	for i, s := range segs {
		segEnd := end
		if i+1 < len(segs) {
			segEnd = min(end, segs[i+1].base)
		}
		if segEnd <= from || s.base >= end {
			continue
		}
		start := max(from, s.base)
		r := bufio.NewReaderSize(io.NewSectionReader(s.f, start-s.base, segEnd-start), 1<<20)
		pos := start
		for pos < segEnd {
			p, n, err := readFrame(r, buf, l.opts.MaxRecord+frameHeader)
			if err != nil {
				return fmt.Errorf("scan log at %d: %w", pos, err)
			}
			buf = p
			if err := fn(pos, p); err != nil {
				return err
			}
			pos += int64(n)
		}
	}
	return nil
}

// Close syncs and closes the log.
func (l *Log) Close() error {
	err := l.Sync(l.written.Load())
	l.closeFiles()
	return err
}

func (l *Log) closeFiles() {
	for _, s := range l.segs {
		s.f.Close()
	}
}
