package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/ingest"
)

type keyedHandler func(w http.ResponseWriter, r *http.Request, p auth.Principal)

// withKey authenticates a read or admin key sent as "Authorization: Bearer KEY"
// (or as the Basic auth username) and checks its scope.
func (s *Server) withKey(scope auth.Scope, h keyedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			key = writeKeyFrom(r)
		}
		if key == "" {
			writeError(w, r, s.log, newError(http.StatusUnauthorized, "missing_key", "send a read or admin key as Authorization: Bearer KEY"))
			return
		}
		p, err := s.auth.Authenticate(key)
		switch {
		case errors.Is(err, auth.ErrRevoked):
			writeError(w, r, s.log, newError(http.StatusForbidden, "revoked_key", "the key has been revoked"))
			return
		case err != nil:
			writeError(w, r, s.log, newError(http.StatusUnauthorized, "invalid_key", "the key is not valid"))
			return
		case !p.Allows(scope):
			writeError(w, r, s.log, newError(http.StatusForbidden, "wrong_key_scope", "this call needs a key with the "+string(scope)+" scope"))
			return
		}
		h(w, r, p)
	}
}

// readYourWrites makes listings include every acknowledged event: indexing
// trails the acknowledgement by a few milliseconds.
func (s *Server) readYourWrites(r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	_ = s.pipeline.WaitIndexed(ctx) // on timeout, serve what is indexed
}

func pageLimit(r *http.Request) (int, *apiError) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, newError(http.StatusBadRequest, "invalid_limit", "limit must be between 1 and 1000")
	}
	return n, nil
}

// handleEvents lists events newest first: of a source (?source=NAME|ID), or of
// an identifier (?user_id=... or ?anonymous_id=...).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	q := r.URL.Query()
	limit, aerr := pageLimit(r)
	if aerr != nil {
		writeError(w, r, s.log, aerr)
		return
	}
	s.readYourWrites(r)
	var page ingest.Page
	var err error
	switch {
	case q.Get("source") != "":
		var src auth.Source
		if src, err = s.auth.SourceByName(p.Workspace.ID, q.Get("source")); err == nil {
			page, err = s.reader.BySource(src.ID, q.Get("cursor"), limit)
		}
	case q.Get("user_id") != "":
		page, err = s.reader.ByIdentifier(p.Workspace.ID, 'u', q.Get("user_id"), q.Get("cursor"), limit)
	case q.Get("anonymous_id") != "":
		page, err = s.reader.ByIdentifier(p.Workspace.ID, 'a', q.Get("anonymous_id"), q.Get("cursor"), limit)
	default:
		err = newError(http.StatusBadRequest, "missing_parameter", "give source, user_id or anonymous_id")
	}
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// handleQuarantine lists a source's rejected input, newest first.
func (s *Server) handleQuarantine(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	limit, aerr := pageLimit(r)
	if aerr != nil {
		writeError(w, r, s.log, aerr)
		return
	}
	name := r.URL.Query().Get("source")
	if name == "" {
		writeError(w, r, s.log, newError(http.StatusBadRequest, "missing_parameter", "give source"))
		return
	}
	src, err := s.auth.SourceByName(p.Workspace.ID, name)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	s.readYourWrites(r)
	page, err := s.reader.Quarantined(src.ID, r.URL.Query().Get("cursor"), limit)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) handleListSources(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	srcs, err := s.auth.Sources(p.Workspace.ID)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": srcs})
}

func decodeJSON(r *http.Request, v any) *apiError {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return newError(http.StatusBadRequest, "malformed_json", "the body is not the expected JSON object")
	}
	return nil
}

func (s *Server) handleCreateSource(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in struct {
		Name    string `json:"name"`
		Channel string `json:"channel"`
	}
	if aerr := decodeJSON(r, &in); aerr != nil {
		writeError(w, r, s.log, aerr)
		return
	}
	src, secret, err := s.auth.CreateSource(p.Workspace.Name, in.Name, in.Channel)
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"source": src, "write_key": secret})
}

func (s *Server) handleCreateKey(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in struct {
		Scope string `json:"scope"`
	}
	if aerr := decodeJSON(r, &in); aerr != nil {
		writeError(w, r, s.log, aerr)
		return
	}
	k, secret, err := s.auth.CreateKey(p.Workspace.Name, auth.Scope(in.Scope))
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": k.ID, "scope": k.Scope, "key": secret})
}

func (s *Server) handleRevokeKey(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id := r.PathValue("id")
	k, err := s.auth.KeyByID(id)
	if err == nil && k.WorkspaceID != p.Workspace.ID {
		err = fmt.Errorf("key %q: %w", id, auth.ErrNotFound) // another workspace's key does not exist here
	}
	if err == nil {
		err = s.auth.RevokeKey(id)
	}
	if err != nil {
		writeError(w, r, s.log, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
