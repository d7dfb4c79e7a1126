package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/ingest"
)

func TestWriteErrorMapsTypedErrors(t *testing.T) {
	tests := []struct {
		err        error
		status     int
		code       string
		retryAfter string
	}{
		{ingest.ErrOverloaded, 429, "overloaded", "1"},
		{fmt.Errorf("submit: %w", ingest.ErrUnavailable), 503, "unavailable", "5"},
		{&ingest.Error{Code: ingest.CodeEventTooLarge, Message: "m"}, 413, "event_too_large", ""},
		{fmt.Errorf("x: %w", auth.ErrNotFound), 404, "not_found", ""},
		{fmt.Errorf("x: %w", auth.ErrExists), 409, "already_exists", ""},
		{errors.New("disk on fire at /secret/path"), 500, "internal", ""},
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range tests {
		rec := httptest.NewRecorder()
		writeError(rec, httptest.NewRequest("GET", "/", nil), log, tc.err)
		var body map[string]string
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != tc.status || body["code"] != tc.code || rec.Header().Get("Retry-After") != tc.retryAfter {
			t.Errorf("%v: got %d %v Retry-After=%q", tc.err, rec.Code, body, rec.Header().Get("Retry-After"))
		}
		if strings.Contains(rec.Body.String(), "/secret/path") {
			t.Errorf("internal error text leaked: %s", rec.Body)
		}
	}
}
