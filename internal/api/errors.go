package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/ingest"
)

// apiError is an error with a stable code, safe to show a client.
type apiError struct {
	Status  int                 `json:"-"`
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Errors  []ingest.EventError `json:"errors,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

func fromIngest(e *ingest.Error) *apiError {
	return &apiError{Status: e.Code.Status(), Code: string(e.Code), Message: e.Message}
}

// writeError is the one place errors become responses. Internal error text
// never reaches the client: unknown errors are logged and answered 500.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var ae *apiError
	var ie *ingest.Error
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &ie):
		ae = fromIngest(ie)
	case errors.Is(err, ingest.ErrOverloaded):
		w.Header().Set("Retry-After", "1")
		ae = newError(http.StatusTooManyRequests, string(ingest.CodeOverloaded), "the server is busy; retry after the Retry-After delay")
	case errors.Is(err, ingest.ErrUnavailable):
		w.Header().Set("Retry-After", "5")
		ae = newError(http.StatusServiceUnavailable, string(ingest.CodeUnavailable), "the server is not accepting events")
	case errors.Is(err, ingest.ErrBadCursor):
		ae = newError(http.StatusBadRequest, "invalid_cursor", "the cursor is not one this API issued")
	case errors.Is(err, auth.ErrNotFound):
		ae = newError(http.StatusNotFound, "not_found", err.Error())
	case errors.Is(err, auth.ErrExists):
		ae = newError(http.StatusConflict, "already_exists", err.Error())
	case errors.Is(err, auth.ErrInvalid):
		ae = newError(http.StatusBadRequest, "invalid_argument", err.Error())
	default:
		log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = newError(http.StatusInternalServerError, "internal", "internal error")
	}
	writeJSON(w, ae.Status, ae)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
