// Package api serves Rivet's HTTP interfaces: the Segment-compatible tracking
// API (/v1), the management API (/api/v1), health and metrics. Handlers are
// thin: they decode, call a domain package, and hand errors to writeError.
package api

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/ingest"
)

// Server holds what the handlers need.
type Server struct {
	log      *slog.Logger
	auth     *auth.Service
	pipeline *ingest.Pipeline
	reader   *ingest.Reader
	limits   ingest.Limits
	gatherer prometheus.Gatherer
	ready    *atomic.Bool
	now      func() time.Time
}

// Deps are the Server's collaborators.
type Deps struct {
	Log      *slog.Logger
	Auth     *auth.Service
	Pipeline *ingest.Pipeline
	Reader   *ingest.Reader
	Limits   ingest.Limits
	Gatherer prometheus.Gatherer
	Ready    *atomic.Bool
}

// New returns a Server.
func New(d Deps) *Server {
	return &Server{log: d.Log, auth: d.Auth, pipeline: d.Pipeline, reader: d.Reader, limits: d.Limits, gatherer: d.Gatherer, ready: d.Ready, now: time.Now}
}

// Handler is the public HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/{type}", s.handleTrack)
	mux.HandleFunc("OPTIONS /v1/{type}", handlePreflight)
	mux.HandleFunc("GET /api/v1/events", s.withKey(auth.ScopeRead, s.handleEvents))
	mux.HandleFunc("GET /api/v1/quarantine", s.withKey(auth.ScopeRead, s.handleQuarantine))
	mux.HandleFunc("GET /api/v1/sources", s.withKey(auth.ScopeRead, s.handleListSources))
	mux.HandleFunc("POST /api/v1/sources", s.withKey(auth.ScopeAdmin, s.handleCreateSource))
	mux.HandleFunc("POST /api/v1/keys", s.withKey(auth.ScopeAdmin, s.handleCreateKey))
	mux.HandleFunc("DELETE /api/v1/keys/{id}", s.withKey(auth.ScopeAdmin, s.handleRevokeKey))
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /{$}", s.handleRoot)
	return withCORS(mux)
}

// withCORS lets browser SDKs (analytics.js) post from any page.
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		}
		next.ServeHTTP(w, r)
	})
}

func handlePreflight(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.pipeline.Healthy(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "failing", "reason": "event log unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() || s.pipeline.Healthy() != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"name": "rivet",
		"endpoints": map[string]string{
			"tracking": "POST /v1/identify|track|page|screen|group|alias|batch",
			"events":   "GET /api/v1/events?source=NAME (Authorization: Bearer READ_KEY)",
			"health":   "/healthz, /readyz",
			"metrics":  "/metrics",
		},
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
