package main

import (
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBatchIsFramedAndDurableBeforeAck(t *testing.T) {
	for _, decoder := range []string{"rivet", "stdlib"} {
		t.Run(decoder, func(t *testing.T) { testFramedAndDurable(t, decoder) })
	}
}

func testFramedAndDurable(t *testing.T, decoder string) {
	path := filepath.Join(t.TempDir(), "raw.log")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	queue := make(chan *commit, 16)
	var st stats
	go groupCommit(f, queue, &st)
	defer close(queue)
	h := handler(queue, decoder)

	post := func(body, user string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/v1/batch", strings.NewReader(body))
		if user != "" {
			r.SetBasicAuth(user, "")
		}
		w := httptest.NewRecorder()
		h(w, r)
		return w
	}

	ok := `{"batch":[{"type":"track","messageId":"a","userId":"u1","event":"x"},` +
		`{"type":"page","messageId":"b","anonymousId":"an"}],"sentAt":"2024-01-01T00:00:00Z"}`
	if w := post(ok, "key"); w.Code != 200 || !strings.Contains(w.Body.String(), `"success":true`) {
		t.Fatalf("valid batch: %d %s", w.Code, w.Body)
	}
	// The ack came back, so the group commit has written and synced it.
	if st.syncs.Load() != 1 || st.events.Load() != 2 {
		t.Fatalf("syncs=%d events=%d after one ack", st.syncs.Load(), st.events.Load())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for len(data) > 0 {
		l := binary.LittleEndian.Uint32(data)
		sum := binary.LittleEndian.Uint32(data[4:])
		payload := data[8 : 8+l]
		if crc32.Checksum(payload, castagnoli) != sum {
			t.Fatalf("frame %d: bad checksum", n)
		}
		data = data[8+l:]
		n++
	}
	if n != 2 {
		t.Fatalf("%d frames on disk, want 2", n)
	}

	for name, c := range map[string]struct {
		body, user string
		code       int
	}{
		"no auth":      {ok, "", 401},
		"bad json":     {`{"batch":[`, "key", 400},
		"empty":        {`{"batch":[]}`, "key", 400},
		"unknown type": {`{"batch":[{"type":"nope","userId":"u"}]}`, "key", 400},
		"no identity":  {`{"batch":[{"type":"track","event":"x"}]}`, "key", 400},
	} {
		if w := post(c.body, c.user); w.Code != c.code {
			t.Errorf("%s: status %d, want %d", name, w.Code, c.code)
		}
	}
	if st.syncs.Load() != 1 {
		t.Errorf("rejected requests reached the log")
	}
}
