package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/rivetcdp/rivet/internal/auth"
)

// The control socket lets the CLI manage sources and keys while a server holds
// the data directory (the embedded store admits one process). It lives in the
// data directory with mode 0600: whoever can read the data may administer it.

type sourceRequest struct {
	Workspace string `json:"workspace"`
	Name      string `json:"name"`
	Channel   string `json:"channel"`
}

type keyRequest struct {
	Workspace string `json:"workspace"`
	Scope     string `json:"scope"`
}

// Created is what creating a source or key returns.
type Created struct {
	Source *auth.Source `json:"source,omitempty"`
	KeyID  string       `json:"key_id,omitempty"`
	Secret string       `json:"secret"`
}

type controlError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

var errorKinds = map[string]error{"invalid": auth.ErrInvalid, "exists": auth.ErrExists, "not_found": auth.ErrNotFound}

func (a *App) listenControl() (*http.Server, error) {
	path := ControlSocket(a.Config.DataDir)
	os.Remove(path) // a stale socket of a crashed server
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sources", func(w http.ResponseWriter, r *http.Request) {
		var in sourceRequest
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			controlReply(w, nil, fmt.Errorf("%w: malformed request", auth.ErrInvalid))
			return
		}
		src, secret, err := a.Auth.CreateSource(in.Workspace, in.Name, in.Channel)
		controlReply(w, Created{Source: &src, Secret: secret}, err)
	})
	mux.HandleFunc("POST /keys", func(w http.ResponseWriter, r *http.Request) {
		var in keyRequest
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			controlReply(w, nil, fmt.Errorf("%w: malformed request", auth.ErrInvalid))
			return
		}
		k, secret, err := a.Auth.CreateKey(in.Workspace, auth.Scope(in.Scope))
		controlReply(w, Created{KeyID: k.ID, Secret: secret}, err)
	})
	mux.HandleFunc("DELETE /keys/{id}", func(w http.ResponseWriter, r *http.Request) {
		controlReply(w, struct{}{}, a.Auth.RevokeKey(r.PathValue("id")))
	})
	mux.HandleFunc("GET /sources", func(w http.ResponseWriter, r *http.Request) {
		srcs, err := workspaceSources(a.Auth, r.URL.Query().Get("workspace"))
		controlReply(w, srcs, err)
	})
	// Profiling for operators, local only: curl --unix-socket DATA/rivet.sock http://rivet/debug/pprof/profile
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return srv, nil
}

func workspaceSources(s *auth.Service, workspace string) ([]auth.Source, error) {
	ws, err := s.Workspace(workspace)
	if err != nil {
		return nil, err
	}
	return s.Sources(ws.ID)
}

func controlReply(w http.ResponseWriter, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		kind := "internal"
		for k, e := range errorKinds {
			if errors.Is(err, e) {
				kind = k
			}
		}
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(controlError{Kind: kind, Message: err.Error()})
		return
	}
	json.NewEncoder(w).Encode(v)
}

// Admin manages sources and keys, through a running server's control socket
// or directly on the data directory when no server holds it.
type Admin interface {
	CreateSource(workspace, name, channel string) (Created, error)
	CreateKey(workspace string, scope auth.Scope) (Created, error)
	RevokeKey(id string) error
	Sources(workspace string) ([]auth.Source, error)
}

// DialControl connects to a running server's control socket, or returns an error.
func DialControl(dataDir string) (Admin, error) {
	path := ControlSocket(dataDir)
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return nil, err
	}
	c.Close()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
	return &controlClient{c: client}, nil
}

type controlClient struct{ c *http.Client }

func (cc *controlClient) do(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://rivet"+path, body)
	if err != nil {
		return err
	}
	resp, err := cc.c.Do(req)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var ce controlError
		if json.NewDecoder(resp.Body).Decode(&ce) != nil {
			return fmt.Errorf("control socket: status %d", resp.StatusCode)
		}
		if e, ok := errorKinds[ce.Kind]; ok {
			return fmt.Errorf("%w (%s)", e, ce.Message)
		}
		return errors.New(ce.Message)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (cc *controlClient) CreateSource(workspace, name, channel string) (Created, error) {
	var out Created
	return out, cc.do("POST", "/sources", sourceRequest{workspace, name, channel}, &out)
}

func (cc *controlClient) CreateKey(workspace string, scope auth.Scope) (Created, error) {
	var out Created
	return out, cc.do("POST", "/keys", keyRequest{workspace, string(scope)}, &out)
}

func (cc *controlClient) RevokeKey(id string) error {
	var out struct{}
	return cc.do("DELETE", "/keys/"+id, nil, &out)
}

func (cc *controlClient) Sources(workspace string) ([]auth.Source, error) {
	var out []auth.Source
	return out, cc.do("GET", "/sources?workspace="+workspace, nil, &out)
}

// LocalAdmin administers an App opened in this process.
type LocalAdmin struct{ Auth *auth.Service }

func (l LocalAdmin) CreateSource(workspace, name, channel string) (Created, error) {
	src, secret, err := l.Auth.CreateSource(workspace, name, channel)
	return Created{Source: &src, Secret: secret}, err
}

func (l LocalAdmin) CreateKey(workspace string, scope auth.Scope) (Created, error) {
	k, secret, err := l.Auth.CreateKey(workspace, scope)
	return Created{KeyID: k.ID, Secret: secret}, err
}

func (l LocalAdmin) RevokeKey(id string) error { return l.Auth.RevokeKey(id) }

func (l LocalAdmin) Sources(workspace string) ([]auth.Source, error) {
	return workspaceSources(l.Auth, workspace)
}
