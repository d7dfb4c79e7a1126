package ingest

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// checkDecoded asserts what must hold for any input: stored events are valid
// JSON objects with an identity, and every rejection carries a stable code.
func checkDecoded(t *testing.T, d *Decoded, err *Error) {
	if err != nil {
		if err.Code == "" || err.Code.Status() < 400 {
			t.Fatalf("request error without a code: %+v", err)
		}
		return
	}
	for _, e := range d.Events {
		if !json.Valid(e.Body) || !utf8.Valid(e.Body) {
			t.Fatalf("stored invalid JSON: %q", e.Body)
		}
		var m map[string]any
		if json.Unmarshal(e.Body, &m) != nil || m["messageId"] == "" || (e.UserID == "" && e.AnonymousID == "") {
			t.Fatalf("stored event without ids: %q", e.Body)
		}
	}
	for _, r := range d.Rejected {
		if r.Code == "" || r.Message == "" {
			t.Fatalf("rejection without code: %+v", r)
		}
	}
}

// Seeds live in testdata/fuzz/FuzzDecodeBatch; go test runs them every time.
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"batch":[{"type":"track","userId":"u","event":"e","properties":{"a":[1,{"b":null}]}}],"sentAt":"2026-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := DecodeBatch(body, now, Limits{})
		checkDecoded(t, d, err)
	})
}

func FuzzDecodeSingle(f *testing.F) {
	f.Add("identify", []byte(`{"userId":"u","traits":{"name":"张三"}}`))
	f.Fuzz(func(t *testing.T, typ string, body []byte) {
		if !eventTypes[typ] {
			typ = "track"
		}
		d, err := DecodeSingle(typ, body, now, Limits{})
		checkDecoded(t, d, err)
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
