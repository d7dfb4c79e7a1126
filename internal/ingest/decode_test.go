package ingest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func decodeOne(t *testing.T, typ, body string) (*Decoded, *Error) {
	t.Helper()
	if typ == "batch" {
		return DecodeBatch([]byte(body), now, Limits{})
	}
	return DecodeSingle(typ, []byte(body), now, Limits{})
}

func stored(t *testing.T, e Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Body, &m); err != nil {
		t.Fatalf("stored body is not JSON: %v\n%s", err, e.Body)
	}
	return m
}

func TestDecodeValidEvents(t *testing.T) {
	tests := []struct {
		name, typ, body string
		check           func(t *testing.T, m map[string]any)
	}{
		{"track keeps properties and context as sent", "track",
			`{"userId":"u1","event":"Order Completed","properties":{"revenue":12.5,"items":[{"sku":"a"}],"名称":"茶叶"},"context":{"ip":"1.2.3.4","library":{"name":"x"}},"integrations":{"All":false},"custom":[1,2]}`,
			func(t *testing.T, m map[string]any) {
				p := m["properties"].(map[string]any)
				if p["revenue"] != 12.5 || p["名称"] != "茶叶" || len(p["items"].([]any)) != 1 {
					t.Errorf("properties changed: %v", p)
				}
				if m["context"].(map[string]any)["ip"] != "1.2.3.4" || m["integrations"].(map[string]any)["All"] != false || len(m["custom"].([]any)) != 2 {
					t.Errorf("context/integrations/custom changed: %v", m)
				}
				if m["type"] != "track" || m["event"] != "Order Completed" {
					t.Errorf("type/event: %v %v", m["type"], m["event"])
				}
			}},
		{"numeric userId becomes a string", "identify", `{"userId":12345,"traits":{"name":"张三"}}`,
			func(t *testing.T, m map[string]any) {
				if m["userId"] != "12345" {
					t.Errorf("userId = %#v", m["userId"])
				}
			}},
		{"messageId kept, writeKey dropped, receivedAt set by server", "page",
			`{"anonymousId":"a","messageId":"m-1","writeKey":"secret","receivedAt":"2001-01-01T00:00:00Z","name":"Home"}`,
			func(t *testing.T, m map[string]any) {
				if m["messageId"] != "m-1" || m["writeKey"] != nil || m["receivedAt"] != "2026-11-23T12:00:00.000Z" {
					t.Errorf("got %v", m)
				}
			}},
		{"messageId generated when missing", "screen", `{"anonymousId":"a","name":"Cart"}`,
			func(t *testing.T, m map[string]any) {
				if id, _ := m["messageId"].(string); len(id) != 36 {
					t.Errorf("generated messageId %q", id)
				}
			}},
		{"originalTimestamp corrected by sentAt as Segment does", "track",
			`{"userId":"u","event":"e","originalTimestamp":"2026-11-23T08:00:00Z","sentAt":"2026-11-23T08:00:10Z"}`,
			func(t *testing.T, m map[string]any) {
				// The client says the event happened 10 s before sending; we received at 12:00:00.
				if m["timestamp"] != "2026-11-23T11:59:50.000Z" || m["originalTimestamp"] != "2026-11-23T08:00:00.000Z" {
					t.Errorf("timestamp %v original %v", m["timestamp"], m["originalTimestamp"])
				}
			}},
		{"explicit timestamp kept even with originalTimestamp and sentAt", "track",
			`{"userId":"u","event":"e","timestamp":"2020-01-02T03:04:05.678+08:00","originalTimestamp":"2026-11-23T11:00:00Z","sentAt":"2026-11-23T11:00:01Z"}`,
			func(t *testing.T, m map[string]any) {
				if m["timestamp"] != "2020-01-01T19:04:05.678Z" || m["originalTimestamp"] != "2026-11-23T11:00:00.000Z" {
					t.Errorf("timestamp %v original %v", m["timestamp"], m["originalTimestamp"])
				}
			}},
		{"no timestamp means receivedAt", "identify", `{"userId":"u"}`,
			func(t *testing.T, m map[string]any) {
				if m["timestamp"] != "2026-11-23T12:00:00.000Z" {
					t.Errorf("timestamp %v", m["timestamp"])
				}
			}},
		{"path type wins over body type", "track", `{"type":"identify","userId":"u","event":"e"}`,
			func(t *testing.T, m map[string]any) {
				if m["type"] != "track" {
					t.Errorf("type %v", m["type"])
				}
			}},
		{"alias and group", "batch",
			`{"batch":[{"type":"alias","userId":"u","previousId":"a"},{"type":"group","userId":"u","groupId":"g1","traits":{"industry":"retail"}}]}`,
			func(t *testing.T, m map[string]any) {}},
		{"batch-level sentAt and context apply to events", "batch",
			`{"batch":[{"type":"track","userId":"u","event":"e","originalTimestamp":"2026-11-23T10:00:00Z"}],"sentAt":"2026-11-23T10:00:01Z","context":{"library":{"name":"analytics-node"}}}`,
			func(t *testing.T, m map[string]any) {
				if m["timestamp"] != "2026-11-23T11:59:59.000Z" {
					t.Errorf("timestamp %v", m["timestamp"])
				}
				if m["context"].(map[string]any)["library"] == nil {
					t.Errorf("batch context not applied: %v", m)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decodeOne(t, tc.typ, tc.body)
			if err != nil {
				t.Fatalf("request error %v", err)
			}
			if len(d.Rejected) > 0 {
				t.Fatalf("rejected: %+v", d.Rejected)
			}
			if len(d.Events) == 0 {
				t.Fatal("no events")
			}
			for _, e := range d.Events {
				tc.check(t, stored(t, e))
			}
		})
	}
}

func TestDecodeRejectsEvents(t *testing.T) {
	big := `{"type":"track","userId":"u","event":"e","properties":{"x":"` + strings.Repeat("a", 33<<10) + `"}}`
	tests := []struct {
		name, event string
		code        Code
	}{
		{"not an object", `"hello"`, CodeInvalidType},
		{"missing ids", `{"type":"track","event":"e"}`, CodeMissingIdentity},
		{"empty ids", `{"type":"track","event":"e","userId":"","anonymousId":null}`, CodeMissingIdentity},
		{"userId object", `{"type":"identify","userId":{"a":1}}`, CodeInvalidType},
		{"traits array", `{"type":"identify","userId":"u","traits":[1]}`, CodeInvalidType},
		{"properties string", `{"type":"track","userId":"u","event":"e","properties":"x"}`, CodeInvalidType},
		{"type number", `{"type":3,"userId":"u"}`, CodeInvalidType},
		{"unknown type", `{"type":"purchase","userId":"u"}`, CodeInvalidEventType},
		{"missing type", `{"userId":"u"}`, CodeInvalidEventType},
		{"track without event", `{"type":"track","userId":"u"}`, CodeMissingField},
		{"alias without previousId", `{"type":"alias","userId":"u"}`, CodeMissingField},
		{"group without groupId", `{"type":"group","userId":"u"}`, CodeMissingField},
		{"bad timestamp", `{"type":"track","userId":"u","event":"e","timestamp":"yesterday"}`, CodeInvalidTimestamp},
		{"timestamp number", `{"type":"track","userId":"u","event":"e","timestamp":12}`, CodeInvalidTimestamp},
		{"duplicate member", `{"type":"track","userId":"u","userId":"v","event":"e"}`, CodeMalformedJSON},
		{"invalid utf-8", "{\"type\":\"track\",\"userId\":\"u\xff\",\"event\":\"e\"}", CodeInvalidUTF8},
		{"too large", big, CodeEventTooLarge},
		{"id too long", `{"type":"identify","userId":"` + strings.Repeat("x", 2000) + `"}`, CodeFieldTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			valid := `{"type":"track","userId":"ok","event":"fine","messageId":"keep-me"}`
			body := `{"batch":[` + valid + `,` + tc.event + `,` + valid + `]}`
			d, err := DecodeBatch([]byte(body), now, Limits{MaxBatchBytes: 1 << 20})
			if err != nil {
				t.Fatalf("whole batch failed: %v", err)
			}
			if len(d.Events) != 2 {
				t.Fatalf("valid neighbours lost: %d events kept", len(d.Events))
			}
			if len(d.Rejected) != 1 || d.Rejected[0].Index != 1 || d.Rejected[0].Code != tc.code {
				t.Fatalf("rejected = %+v, want index 1 code %s", d.Rejected, tc.code)
			}
			if !bytes.Equal(d.Rejected[0].Raw, []byte(tc.event)) {
				t.Fatalf("quarantined raw = %q, want the event as sent", d.Rejected[0].Raw)
			}
		})
	}
}

func TestDecodeRequestErrors(t *testing.T) {
	tests := []struct {
		name, typ, body string
		code            Code
	}{
		{"malformed", "batch", `{"batch":[{"type":"track"`, CodeMalformedJSON},
		{"not json", "batch", `hello`, CodeMalformedJSON},
		{"trailing garbage", "batch", `{"batch":[{"type":"identify","userId":"u"}]} x`, CodeMalformedJSON},
		{"batch not array", "batch", `{"batch":{}}`, CodeInvalidBatch},
		{"no batch", "batch", `{"sentAt":"2020-01-01T00:00:00Z"}`, CodeInvalidBatch},
		{"top-level array", "batch", `[1,2]`, CodeInvalidBatch},
		{"empty batch", "batch", `{"batch":[]}`, CodeEmptyBatch},
		{"single malformed", "track", `{"userId":`, CodeMalformedJSON},
		{"single trailing", "track", `{"userId":"u","event":"e"}{}`, CodeMalformedJSON},
		{"empty body", "identify", ``, CodeMalformedJSON},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeOne(t, tc.typ, tc.body)
			if err == nil || err.Code != tc.code {
				t.Fatalf("error = %v, want %s", err, tc.code)
			}
		})
	}
	if _, err := DecodeBatch(make([]byte, 600<<10), now, Limits{}); err == nil || err.Code != CodeBatchTooLarge {
		t.Fatalf("oversized batch: %v", err)
	}
}

func TestWriteKeyInBody(t *testing.T) {
	d, err := DecodeBatch([]byte(`{"writeKey":"k1","batch":[{"type":"identify","userId":"u"}]}`), now, Limits{})
	if err != nil || d.WriteKey != "k1" {
		t.Fatalf("batch writeKey = %q, %v", d.WriteKey, err)
	}
	d, err = DecodeSingle("identify", []byte(`{"userId":"u","writeKey":"k2"}`), now, Limits{})
	if err != nil || d.WriteKey != "k2" {
		t.Fatalf("single writeKey = %q, %v", d.WriteKey, err)
	}
	if strings.Contains(string(d.Events[0].Body), "k2") {
		t.Fatal("writeKey stored with the event")
	}
}

func TestAppendISOMatchesTimeFormat(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 6789012, time.UTC),
		time.Date(999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC(),
		time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, want := string(appendISO(nil, tm)), tm.Format(timeFormat); got != want {
			t.Errorf("appendISO(%v) = %s, want %s", tm, got, want)
		}
	}
}
