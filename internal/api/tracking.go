package api

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/ingest"
)

// Segment's short paths used by analytics.js in browsers.
var shortPaths = map[string]string{"i": "identify", "t": "track", "p": "page", "s": "screen", "g": "group", "a": "alias", "b": "batch"}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads at most limit bytes of the (possibly gzip'd) body.
func readBody(r *http.Request, limit int, buf *bytes.Buffer) *apiError {
	var src io.Reader = r.Body
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(io.LimitReader(r.Body, int64(limit)+1))
		if err != nil {
			return newError(http.StatusBadRequest, string(ingest.CodeMalformedJSON), "the body is not valid gzip")
		}
		defer zr.Close()
		src = zr
	default:
		return newError(http.StatusUnsupportedMediaType, string(ingest.CodeUnsupportedEncoding), "Content-Encoding "+enc+" is not supported; use gzip or none")
	}
	n, err := buf.ReadFrom(io.LimitReader(src, int64(limit)+1))
	if err != nil {
		return newError(http.StatusBadRequest, string(ingest.CodeMalformedJSON), "the body could not be read: "+sanitize(err))
	}
	if n > int64(limit) {
		return tooLarge(limit)
	}
	return nil
}

func tooLarge(limit int) *apiError {
	return newError(http.StatusRequestEntityTooLarge, string(ingest.CodeBatchTooLarge), "the body exceeds the limit of "+itoa(limit)+" bytes")
}

// sanitize keeps only the gzip/IO error class, never internals.
func sanitize(err error) string {
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated or corrupt gzip data"
	}
	return "read error"
}

type trackResponse struct {
	Success     bool                `json:"success"`
	Accepted    int                 `json:"accepted"`
	Duplicates  int                 `json:"duplicates,omitempty"`
	Quarantined int                 `json:"quarantined,omitempty"`
	Errors      []ingest.EventError `json:"errors,omitempty"`
}

// writeKeyFrom returns the key from HTTP Basic auth (username, empty password), as Segment's SDKs send it.
func writeKeyFrom(r *http.Request) string {
	if u, _, ok := r.BasicAuth(); ok {
		return u
	}
	return ""
}

func (s *Server) authenticateWrite(key string) (auth.Principal, *apiError) {
	if key == "" {
		return auth.Principal{}, newError(http.StatusUnauthorized, string(ingest.CodeMissingWriteKey), "send the source's write key as the HTTP Basic auth username or as writeKey in the body")
	}
	p, err := s.auth.Authenticate(key)
	switch {
	case errors.Is(err, auth.ErrRevoked):
		return p, newError(http.StatusForbidden, string(ingest.CodeRevokedWriteKey), "the write key has been revoked")
	case err != nil:
		if !errors.Is(err, auth.ErrUnknownKey) {
			s.log.Error("authenticate", "err", err)
		}
		return p, newError(http.StatusUnauthorized, string(ingest.CodeInvalidWriteKey), "the write key is not valid")
	case p.Source == nil:
		return p, newError(http.StatusForbidden, string(ingest.CodeWrongKeyScope), "this is a read or admin key; the tracking API takes a source's write key")
	}
	return p, nil
}

// handleTrack serves POST /v1/{type} and the short paths.
func (s *Server) handleTrack(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if long, ok := shortPaths[typ]; ok {
		typ = long
	}
	switch typ {
	case "identify", "track", "page", "screen", "group", "alias", "batch", "import":
	default:
		writeError(w, r, s.log, newError(http.StatusNotFound, "not_found", "unknown tracking call "+typ))
		return
	}
	received := s.now()
	headerKey := writeKeyFrom(r)
	var principal auth.Principal
	if headerKey != "" {
		var aerr *apiError
		if principal, aerr = s.authenticateWrite(headerKey); aerr != nil {
			writeError(w, r, s.log, aerr)
			return
		}
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	limit := s.limits.MaxBatchBytes
	if typ != "batch" && typ != "import" {
		limit = s.limits.MaxEventBytes
	}
	if aerr := readBody(r, limit, buf); aerr != nil {
		if aerr.Code == string(ingest.CodeBatchTooLarge) && limit == s.limits.MaxEventBytes {
			aerr.Code = string(ingest.CodeEventTooLarge)
		}
		writeError(w, r, s.log, aerr)
		return
	}
	var dec *ingest.Decoded
	var derr *ingest.Error
	if typ == "batch" || typ == "import" {
		dec, derr = ingest.DecodeBatch(buf.Bytes(), received, s.limits)
	} else {
		dec, derr = ingest.DecodeSingle(typ, buf.Bytes(), received, s.limits)
	}
	if headerKey == "" {
		key := ""
		if dec != nil {
			key = dec.WriteKey
		}
		var aerr *apiError
		if principal, aerr = s.authenticateWrite(key); aerr != nil {
			writeError(w, r, s.log, aerr)
			return
		}
	}
	sub := &ingest.Submission{Workspace: principal.Workspace.ID, Source: principal.Source.ID, ReceivedAt: received}
	if derr != nil {
		// Keep what could not be parsed, so the sender's bug can be seen.
		sub.Rejected = []ingest.Rejected{{EventError: ingest.EventError{Index: -1, Code: derr.Code, Message: derr.Message}, Raw: bytes.Clone(buf.Bytes())}}
	} else {
		sub.Events, sub.Rejected = dec.Events, dec.Rejected
	}
	res, err := s.pipeline.Submit(r.Context(), sub)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	if derr != nil {
		writeError(w, r, s.log, derr)
		return
	}
	resp := trackResponse{Success: true, Accepted: res.Accepted, Duplicates: res.Duplicates, Quarantined: res.Quarantined}
	for _, rj := range dec.Rejected {
		resp.Errors = append(resp.Errors, rj.EventError)
	}
	if len(dec.Events) == 0 {
		// Nothing in the request was valid: say so with the first event's code.
		code := dec.Rejected[0].Code
		if typ == "batch" || typ == "import" {
			code = ingest.CodeInvalidBatch
			if allSame(dec.Rejected) {
				code = dec.Rejected[0].Code
			}
		}
		writeError(w, r, s.log, &apiError{Status: code.Status(), Code: string(code), Message: dec.Rejected[0].Message, Errors: resp.Errors})
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func allSame(rs []ingest.Rejected) bool {
	for _, r := range rs[1:] {
		if r.Code != rs[0].Code {
			return false
		}
	}
	return true
}
