// Package app builds a Rivet process from its configuration and runs its
// lifecycle: open the data directory, recover, serve, and shut down in order.
package app

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/rivetcdp/rivet/internal/api"
	"github.com/rivetcdp/rivet/internal/auth"
	"github.com/rivetcdp/rivet/internal/config"
	"github.com/rivetcdp/rivet/internal/eventlog"
	"github.com/rivetcdp/rivet/internal/ingest"
	"github.com/rivetcdp/rivet/internal/store"
)

// App is an opened data directory and the services built on it.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *store.DB
	EventLog *eventlog.Log
	Auth     *auth.Service
	Pipeline *ingest.Pipeline
	Reader   *ingest.Reader
	Registry *prometheus.Registry
	ready    atomic.Bool
}

// ControlSocket is the path of the local admin socket in a data directory.
func ControlSocket(dataDir string) string { return filepath.Join(dataDir, "rivet.sock") }

// Open opens the data directory: the store, the log, and the recovery of any
// log tail the indexes had not caught up with.
func Open(cfg config.Config, log *slog.Logger) (*App, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	db, err := store.Open(filepath.Join(cfg.DataDir, "store"))
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: db, Registry: prometheus.NewRegistry()}
	if err := a.fixPartitions(); err != nil {
		db.Close()
		return nil, err
	}
	a.EventLog, err = eventlog.Open(filepath.Join(cfg.DataDir, "log"), eventlog.Options{MaxRecord: 2*cfg.MaxBatchBytes + 4096})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.Auth = auth.NewService(db)
	a.Pipeline = ingest.NewPipeline(ingest.Config{
		Partitions:       a.Config.Partitions,
		DedupeWindow:     cfg.DedupeWindow,
		DedupeFilterKeys: uint(cfg.DedupeFilterKeys),
		MaxInflightBytes: cfg.MaxInflightBytes,
		Fsync:            ingest.FsyncPolicy(cfg.Fsync),
		FsyncInterval:    cfg.FsyncInterval,
	}, a.EventLog, db, log, ingest.NewMetrics(a.Registry))
	a.Reader = &ingest.Reader{Log: a.EventLog, DB: db}
	if err := a.Pipeline.Recover(); err != nil {
		a.EventLog.Close()
		db.Close()
		return nil, err
	}
	return a, nil
}

// fixPartitions records the partition count on first use; later runs keep it,
// since changing it would move people between partitions.
func (a *App) fixPartitions() error {
	v, err := a.DB.Get(store.KeyPartitions)
	if errors.Is(err, store.ErrNotFound) {
		b := a.DB.NewBatch()
		defer b.Close()
		b.Set(store.KeyPartitions, binary.BigEndian.AppendUint32(nil, uint32(a.Config.Partitions)))
		return b.Commit(true)
	}
	if err != nil {
		return err
	}
	if n := int(binary.BigEndian.Uint32(v)); n != a.Config.Partitions {
		a.Log.Warn("partition count is fixed by the data directory; ignoring the setting", "stored", n, "configured", a.Config.Partitions)
		a.Config.Partitions = n
	}
	return nil
}

// Close closes the log and store. Call after Serve returns.
func (a *App) Close() error {
	return errors.Join(a.EventLog.Close(), a.DB.Close())
}

// Serve runs the HTTP server and the control socket until ctx is cancelled,
// then drains in-flight requests, flushes the log and returns.
func (a *App) Serve(ctx context.Context, onListen func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	a.Pipeline.Start()
	srv := api.New(api.Deps{
		Log: a.Log, Auth: a.Auth, Pipeline: a.Pipeline, Reader: a.Reader,
		Limits:   ingest.Limits{MaxEventBytes: a.Config.MaxEventBytes, MaxBatchBytes: a.Config.MaxBatchBytes},
		Gatherer: a.Registry, Ready: &a.ready,
	})
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	ctl, ctlErr := a.listenControl()
	if ctlErr != nil {
		a.Log.Warn("control socket unavailable; CLI admin commands need the server stopped", "err", ctlErr)
	}
	errc := make(chan error, 2)
	go func() { errc <- httpSrv.Serve(ln) }()
	a.ready.Store(true)
	a.Log.Info("rivet serving", "addr", ln.Addr().String(), "data", a.Config.DataDir, "fsync", a.Config.Fsync, "partitions", a.Config.Partitions)
	if onListen != nil {
		onListen(ln.Addr().String())
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	a.ready.Store(false)
	a.Log.Info("shutting down: draining requests")
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	if err := httpSrv.Shutdown(sctx); err != nil {
		a.Log.Warn("http shutdown", "err", err)
	}
	if ctl != nil {
		ctl.Shutdown(sctx)
		os.Remove(ControlSocket(a.Config.DataDir))
	}
	a.Pipeline.Close()
	a.Log.Info("stopped", "log_end", a.EventLog.Durable())
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}
