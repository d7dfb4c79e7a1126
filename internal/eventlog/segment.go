package eventlog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A frame on disk is [u32 payload length][u32 CRC-32C of payload][payload].
// The CRC lets recovery find the end of the last complete write after a crash:
// anything after the first bad frame was never acknowledged (acks follow fsync).
const frameHeader = 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const segmentExt = ".seg"

// segment is one file of the log; its name is the global offset of its first byte.
type segment struct {
	base int64
	f    *os.File
}

func segmentName(dir string, base int64) string {
	return filepath.Join(dir, fmt.Sprintf("%020d%s", base, segmentExt))
}

// listSegments returns the base offsets of the segment files in dir, ascending.
func listSegments(dir string) ([]int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list log segments: %w", err)
	}
	var bases []int64
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, segmentExt) {
			continue
		}
		b, err := strconv.ParseInt(strings.TrimSuffix(name, segmentExt), 10, 64)
		if err != nil {
			continue
		}
		bases = append(bases, b)
	}
	slices.Sort(bases)
	return bases, nil
}

func appendFrame(dst, payload []byte) []byte {
	var h [frameHeader]byte
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[4:8], crc32.Checksum(payload, castagnoli))
	dst = append(dst, h[:]...)
	return append(dst, payload...)
}

var errTorn = errors.New("torn or corrupt frame")

// readFrame reads one frame from r. It returns io.EOF at a clean end and
// errTorn when the bytes present do not form a complete, valid frame.
func readFrame(r *bufio.Reader, buf []byte, maxFrame int) ([]byte, int, error) {
	var h [frameHeader]byte
	n, err := io.ReadFull(r, h[:])
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		return nil, 0, errTorn
	}
	size := int(binary.LittleEndian.Uint32(h[0:4]))
	if size > maxFrame {
		return nil, 0, errTorn
	}
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	buf = buf[:size]
	m, err := io.ReadFull(r, buf)
	if err != nil {
		return nil, 0, errTorn
	}
	if crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(h[4:8]) {
		return nil, 0, errTorn
	}
	return buf, n + m, nil
}

// validLength scans a segment and returns the length of its valid prefix.
func validLength(f *os.File, maxFrame int) (int64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	var pos int64
	var buf []byte
	for {
		p, n, err := readFrame(r, buf, maxFrame)
		if err == io.EOF || errors.Is(err, errTorn) {
			return pos, nil
		}
		if err != nil {
			return 0, err
		}
		buf = p
		pos += int64(n)
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
