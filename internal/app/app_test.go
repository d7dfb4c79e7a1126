package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/config"
)

type env struct {
	base      string
	writeKey  string
	otherKey  string
	readKey   string
	adminKey  string
	app       *App
	stop      func()
	revokedID string
	revoked   string
}

func start(t *testing.T, mutate func(*config.Config)) *env {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Addr = "127.0.0.1:0"
	if mutate != nil {
		mutate(&cfg)
	}
	a, err := Open(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{app: a}
	_, e.writeKey, err = a.Auth.CreateSource("acme", "web", "web")
	if err != nil {
		t.Fatal(err)
	}
	_, e.otherKey, _ = a.Auth.CreateSource("other", "web", "web")
	_, e.readKey, _ = a.Auth.CreateKey("acme", auth.ScopeRead)
	_, e.adminKey, _ = a.Auth.CreateKey("acme", auth.ScopeAdmin)
	k, secret, _ := a.Auth.CreateKey("acme", auth.ScopeRead)
	e.revokedID, e.revoked = k.ID, secret
	if err := a.Auth.RevokeKey(k.ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(s string) { addr <- s }) }()
	select {
	case s := <-addr:
		e.base = "http://" + s
	case err := <-done:
		t.Fatal(err)
	}
	e.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		a.Close()
	}
	t.Cleanup(e.stop)
	return e
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
}

func (e *env) post(t *testing.T, path, key string, body []byte, hdr map[string]string) reply {
	t.Helper()
	req, _ := http.NewRequest("POST", e.base+path, bytes.NewReader(body))
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return do(t, req)
}

func (e *env) get(t *testing.T, path, key string) reply {
	t.Helper()
	req, _ := http.NewRequest("GET", e.base+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := reply{status: resp.StatusCode, header: resp.Header}
	raw, _ := io.ReadAll(resp.Body)
	if len(raw) > 0 && resp.Header.Get("Content-Type") == "application/json; charset=utf-8" {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("response is not JSON: %q", raw)
		}
	}
	return r
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestTrackingAPIErrors(t *testing.T) {
	e := start(t, nil)
	valid := []byte(`{"userId":"u","event":"e"}`)
	huge := []byte(`{"batch":[{"type":"track","userId":"u","event":"e","properties":{"x":"` + strings.Repeat("a", 600<<10) + `"}}]}`)
	tests := []struct {
		name   string
		path   string
		key    string
		body   []byte
		hdr    map[string]string
		status int
		code   string
	}{
		{"no key", "/v1/track", "", valid, nil, 401, "missing_write_key"},
		{"unknown key", "/v1/track", "rvw_nope", valid, nil, 401, "invalid_write_key"},
		{"read key cannot write", "/v1/track", e.readKey, valid, nil, 403, "wrong_key_scope"},
		{"revoked key", "/v1/track", e.revoked, valid, nil, 403, "revoked_write_key"},
		{"malformed json", "/v1/track", e.writeKey, []byte(`{"userId":`), nil, 400, "malformed_json"},
		{"invalid utf-8", "/v1/track", e.writeKey, []byte("{\"userId\":\"\xff\",\"event\":\"e\"}"), nil, 400, "invalid_utf8"},
		{"wrong type", "/v1/identify", e.writeKey, []byte(`{"userId":"u","traits":"x"}`), nil, 400, "invalid_field_type"},
		{"missing ids", "/v1/track", e.writeKey, []byte(`{"event":"e"}`), nil, 400, "missing_identity"},
		{"event too large", "/v1/track", e.writeKey, append([]byte(`{"userId":"u","event":"e","p":"`), append(bytes.Repeat([]byte("a"), 40<<10), '"', '}')...), nil, 413, "event_too_large"},
		{"batch too large", "/v1/batch", e.writeKey, huge, nil, 413, "batch_too_large"},
		{"gzip bomb is bounded", "/v1/batch", e.writeKey, gz(huge), map[string]string{"Content-Encoding": "gzip"}, 413, "batch_too_large"},
		{"bad gzip", "/v1/batch", e.writeKey, []byte("not gzip"), map[string]string{"Content-Encoding": "gzip"}, 400, "malformed_json"},
		{"unsupported encoding", "/v1/batch", e.writeKey, valid, map[string]string{"Content-Encoding": "br"}, 415, "unsupported_content_encoding"},
		{"all events invalid", "/v1/batch", e.writeKey, []byte(`{"batch":[{"type":"track"},{"type":"x","userId":"u"}]}`), nil, 400, "invalid_batch"},
		{"empty batch", "/v1/batch", e.writeKey, []byte(`{"batch":[]}`), nil, 400, "empty_batch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(t, tc.path, tc.key, tc.body, tc.hdr)
			if r.status != tc.status || r.body["code"] != tc.code {
				t.Fatalf("got %d %v, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if msg, _ := r.body["message"].(string); msg == "" {
				t.Fatal("error without a message")
			}
		})
	}
}

func waitCount(t *testing.T, e *env, query string, n int) []any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := e.get(t, "/api/v1/events?"+query, e.readKey)
		items, _ := r.body["items"].([]any)
		if len(items) >= n || time.Now().After(deadline) {
			return items
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBatchKeepsValidEventsAndQuarantinesTheRest(t *testing.T) {
	e := start(t, nil)
	body := []byte(`{"batch":[
		{"type":"identify","userId":"u1","messageId":"m1","traits":{"name":"李雷"}},
		{"type":"track","event":"e"},
		{"type":"track","userId":"u1","event":"Viewed","messageId":"m2"}]}`)
	r := e.post(t, "/v1/batch", e.writeKey, body, nil)
	if r.status != 200 || r.body["accepted"] != 2.0 || r.body["quarantined"] != 1.0 {
		t.Fatalf("%d %v", r.status, r.body)
	}
	errs := r.body["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["index"] != 1.0 || errs[0].(map[string]any)["code"] != "missing_identity" {
		t.Fatalf("per-event errors %v", errs)
	}
	items := waitCount(t, e, "source=web", 2)
	if len(items) != 2 {
		t.Fatalf("listed %d events", len(items))
	}
	if byUser := waitCount(t, e, "user_id=u1", 2); len(byUser) != 2 {
		t.Fatalf("by user id: %d", len(byUser))
	}
	q := e.get(t, "/api/v1/quarantine?source=web", e.readKey)
	qi := q.body["items"].([]any)
	if len(qi) != 1 || !strings.Contains(string(mustJSON(qi[0])), `{\"type\":\"track\",\"event\":\"e\"}`) {
		t.Fatalf("quarantine %v", q.body)
	}
	// Whole-request failures are quarantined too, with index -1.
	e.post(t, "/v1/batch", e.writeKey, []byte(`{"batch":[{`), nil)
	q = e.get(t, "/api/v1/quarantine?source=web", e.readKey)
	if len(q.body["items"].([]any)) != 2 {
		t.Fatalf("malformed body not quarantined: %v", q.body)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func TestGzipShortPathsAndBodyWriteKey(t *testing.T) {
	e := start(t, nil)
	r := e.post(t, "/v1/b", e.writeKey, gz([]byte(`{"batch":[{"type":"page","anonymousId":"a1","name":"首页"}]}`)), map[string]string{"Content-Encoding": "gzip"})
	if r.status != 200 {
		t.Fatalf("gzip short batch: %d %v", r.status, r.body)
	}
	r = e.post(t, "/v1/t", "", []byte(`{"writeKey":"`+e.writeKey+`","anonymousId":"a1","event":"Clicked"}`), map[string]string{"Content-Type": "text/plain"})
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("short track with body key: %d %v %v", r.status, r.body, r.header)
	}
	items := waitCount(t, e, "anonymous_id=a1", 2)
	if len(items) != 2 {
		t.Fatalf("%d events for a1", len(items))
	}
	newest := items[0].(map[string]any)["event"].(map[string]any)
	if newest["type"] != "track" || newest["writeKey"] != nil {
		t.Fatalf("newest = %v", newest)
	}
}

func TestReadAPIScopesAndWorkspaces(t *testing.T) {
	e := start(t, nil)
	e.post(t, "/v1/track", e.otherKey, []byte(`{"userId":"secret-user","event":"e"}`), nil)
	if r := e.get(t, "/api/v1/events?source=web", ""); r.status != 401 {
		t.Fatalf("no key: %d", r.status)
	}
	if r := e.get(t, "/api/v1/events?source=web", e.writeKey); r.status != 403 {
		t.Fatalf("write key reading: %d", r.status)
	}
	if r := e.get(t, "/api/v1/events?source=web", e.revoked); r.status != 403 || r.body["code"] != "revoked_key" {
		t.Fatalf("revoked key: %d %v", r.status, r.body)
	}
	// acme's read key must not see the other workspace's events.
	time.Sleep(50 * time.Millisecond)
	if r := e.get(t, "/api/v1/events?user_id=secret-user", e.readKey); r.status != 200 || len(r.body["items"].([]any)) != 0 {
		t.Fatalf("cross-workspace read: %v", r.body)
	}
	if r := e.get(t, "/api/v1/events?limit=5000&source=web", e.readKey); r.status != 400 || r.body["code"] != "invalid_limit" {
		t.Fatalf("bad limit: %v", r.body)
	}
	if r := e.get(t, "/api/v1/events?source=web&cursor=zz", e.readKey); r.status != 400 || r.body["code"] != "invalid_cursor" {
		t.Fatalf("bad cursor: %v", r.body)
	}
	// Admin keys manage sources; read keys cannot.
	req, _ := http.NewRequest("POST", e.base+"/api/v1/sources", strings.NewReader(`{"name":"app","channel":"app"}`))
	req.Header.Set("Authorization", "Bearer "+e.readKey)
	if r := do(t, req); r.status != 403 {
		t.Fatalf("read key created a source: %d", r.status)
	}
	req, _ = http.NewRequest("POST", e.base+"/api/v1/sources", strings.NewReader(`{"name":"app","channel":"app"}`))
	req.Header.Set("Authorization", "Bearer "+e.adminKey)
	r := do(t, req)
	if r.status != 201 || !strings.HasPrefix(r.body["write_key"].(string), "rvw_") {
		t.Fatalf("admin create source: %d %v", r.status, r.body)
	}
	if r := e.post(t, "/v1/identify", r.body["write_key"].(string), []byte(`{"userId":"u"}`), nil); r.status != 200 {
		t.Fatalf("new source's key: %d", r.status)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := start(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.get(t, p, ""); r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	e.post(t, "/v1/track", e.writeKey, []byte(`{"userId":"u","event":"e"}`), nil)
	resp, err := http.Get(e.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `rivet_ingest_events_total{outcome="accepted"} 1`) || !strings.Contains(string(b), "rivet_log_fsync_seconds_bucket") {
		t.Fatalf("metrics missing ingest counters:\n%s", b)
	}
}

func TestAdminKeysCreateAndRevoke(t *testing.T) {
	e := start(t, nil)
	req, _ := http.NewRequest("POST", e.base+"/api/v1/keys", strings.NewReader(`{"scope":"read"}`))
	req.Header.Set("Authorization", "Bearer "+e.adminKey)
	r := do(t, req)
	if r.status != 201 || !strings.HasPrefix(r.body["key"].(string), "rvr_") {
		t.Fatalf("create key: %d %v", r.status, r.body)
	}
	key, id := r.body["key"].(string), r.body["id"].(string)
	if g := e.get(t, "/api/v1/sources", key); g.status != 200 {
		t.Fatalf("new key cannot read: %d", g.status)
	}
	del := func(id, with string) int {
		req, _ := http.NewRequest("DELETE", e.base+"/api/v1/keys/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+with)
		return do(t, req).status
	}
	if s := del(id, e.readKey); s != 403 {
		t.Fatalf("read key revoked a key: %d", s)
	}
	other, _, err := e.app.Auth.CreateKey("other", auth.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	if s := del(other.ID, e.adminKey); s != 404 {
		t.Fatalf("revoking another workspace's key: %d, want 404", s)
	}
	if s := del(id, e.adminKey); s != 204 {
		t.Fatalf("revoke: %d", s)
	}
	if g := e.get(t, "/api/v1/sources", key); g.status != 403 || g.body["code"] != "revoked_key" {
		t.Fatalf("revoked key still reads: %d %v", g.status, g.body)
	}
}
