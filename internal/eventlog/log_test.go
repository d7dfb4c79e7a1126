package eventlog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func payloads(n, size int, tag string) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		unit := []byte(fmt.Sprintf("%s-%d|", tag, i))
		out[i] = bytes.Repeat(unit, size/len(unit)+1)[:size]
	}
	return out
}

func TestWriteSyncReadScan(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{SegmentBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	var all [][]byte
	var offs []int64
	for i := 0; i < 20; i++ {
		ps := payloads(7, 100+i*13, fmt.Sprint(i))
		o, end, err := l.Write(ps, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.ReadAt(o[0]); err != ErrOutOfRange {
			t.Fatalf("unsynced record readable: %v", err)
		}
		if err := l.Sync(end); err != nil {
			t.Fatal(err)
		}
		all = append(all, ps...)
		offs = append(offs, o...)
	}
	segs, _ := listSegments(dir)
	if len(segs) < 3 {
		t.Fatalf("expected segments to roll at 4 KiB, got %d", len(segs))
	}
	for i, off := range offs {
		p, err := l.ReadAt(off)
		if err != nil || !bytes.Equal(p, all[i]) {
			t.Fatalf("ReadAt(%d) = %q, %v; want record %d", off, p, err, i)
		}
	}
	var i int
	err = l.Scan(offs[5], func(off int64, p []byte) error {
		if off != offs[5+i] || !bytes.Equal(p, all[5+i]) {
			return fmt.Errorf("scan record %d at %d differs", 5+i, off)
		}
		i++
		return nil
	})
	if err != nil || 5+i != len(all) {
		t.Fatalf("scan: %v after %d records", err, i)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := Open(dir, Options{SegmentBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if l2.Durable() != l.Durable() {
		t.Fatalf("reopened end %d, want %d", l2.Durable(), l.Durable())
	}
	if p, err := l2.ReadAt(offs[len(offs)-1]); err != nil || !bytes.Equal(p, all[len(all)-1]) {
		t.Fatalf("last record after reopen: %v", err)
	}
}

// A crash can leave any prefix of the last write on disk. Recovery must keep
// every complete frame before it and drop the rest.
func TestRecoverTornTail(t *testing.T) {
	for _, cut := range []int{1, 4, 8, 9, 50} {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			dir := t.TempDir()
			l, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, end, err := l.Write(payloads(3, 64, "a"), nil)
			if err != nil {
				t.Fatal(err)
			}
			l.Sync(end)
			_, end2, _ := l.Write(payloads(1, 64, "b"), nil)
			l.Sync(end2)
			l.Close()
			seg := segmentName(dir, 0)
			if err := os.Truncate(seg, end2-int64(cut)); err != nil {
				t.Fatal(err)
			}
			l, err = Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if l.Durable() != end {
				t.Fatalf("recovered end %d, want %d", l.Durable(), end)
			}
			// The log stays appendable after recovery.
			o, e, err := l.Write(payloads(1, 10, "c"), nil)
			if err != nil || o[0] != end {
				t.Fatalf("append after recovery at %v: %v", o, err)
			}
			l.Sync(e)
		})
	}
}

func TestRecoverCorruptTail(t *testing.T) {
	dir := t.TempDir()
	l, _ := Open(dir, Options{})
	_, end, _ := l.Write(payloads(2, 64, "a"), nil)
	l.Sync(end)
	_, end2, _ := l.Write(payloads(1, 64, "b"), nil)
	l.Sync(end2)
	l.Close()
	f, _ := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%020d.seg", 0)), os.O_RDWR, 0)
	f.WriteAt([]byte{0xff}, end+20) // flip a byte inside the last record
	f.Close()
	l, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Durable() != end {
		t.Fatalf("corrupt record kept: end %d, want %d", l.Durable(), end)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := Record{Kind: KindEvent, Partition: 513, ReceivedAt: 1700000000123456789, Workspace: "ws_1", Source: "src_2", MessageID: "m-ü", UserID: "", AnonymousID: "anon", Body: []byte(`{"a":1}`)}
	got, err := Decode(r.AppendEncode(nil))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(r) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
	}
	for n := 0; n < len(r.AppendEncode(nil))-len(r.Body); n++ {
		if _, err := Decode(r.AppendEncode(nil)[:n]); err == nil {
			t.Fatalf("truncated record of %d bytes decoded", n)
		}
	}
}

func BenchmarkWriteSync(b *testing.B) {
	l, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ps := payloads(100, 640, "x")
	b.SetBytes(100 * 640)
	for b.Loop() {
		_, end, err := l.Write(ps, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := l.Sync(end); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzRecordDecode: any bytes (a corrupt record that passed the CRC by
// chance) decode to an error or a record, never a panic.
func FuzzRecordDecode(f *testing.F) {
	r := Record{Kind: KindEvent, Partition: 3, ReceivedAt: 42, Workspace: "ws", Source: "src", MessageID: "m", Body: []byte(`{}`)}
	f.Add(r.AppendEncode(nil))
	f.Fuzz(func(t *testing.T, p []byte) {
		rec, err := Decode(p)
		if err == nil && len(rec.Body) > len(p) {
			t.Fatalf("body longer than input")
		}
	})
}
