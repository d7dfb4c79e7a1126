// Package config is Rivet's one typed configuration: defaults in code,
// overridden by RIVET_* environment variables, then by command-line flags.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a Rivet process.
type Config struct {
	Addr             string        // RIVET_ADDR: HTTP listen address
	DataDir          string        // RIVET_DATA: data directory (log, store, control socket)
	LogLevel         string        // RIVET_LOG_LEVEL: debug, info, warn, error
	LogFormat        string        // RIVET_LOG_FORMAT: text or json
	Fsync            string        // RIVET_FSYNC: always (ack after fsync) or interval
	FsyncInterval    time.Duration // RIVET_FSYNC_INTERVAL: fsync period for the interval policy
	DedupeWindow     time.Duration // RIVET_DEDUPE_WINDOW: how long a messageId is remembered per source
	DedupeFilterKeys int           // RIVET_DEDUPE_FILTER_KEYS: message ids per window the in-memory filter is sized for
	Partitions       int           // RIVET_PARTITIONS: log partitions (fixed when the data directory is created)
	MaxEventBytes    int           // RIVET_MAX_EVENT_BYTES: largest event
	MaxBatchBytes    int           // RIVET_MAX_BATCH_BYTES: largest request body (after gzip)
	MaxInflightBytes int64         // RIVET_MAX_INFLIGHT_BYTES: accepted-but-unacknowledged bytes before 429
	ShutdownTimeout  time.Duration // RIVET_SHUTDOWN_TIMEOUT: how long SIGTERM waits for in-flight requests
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Addr:             "127.0.0.1:8080",
		DataDir:          "./rivet-data",
		LogLevel:         "info",
		LogFormat:        "text",
		Fsync:            "always",
		FsyncInterval:    50 * time.Millisecond,
		DedupeWindow:     24 * time.Hour,
		DedupeFilterKeys: 32 << 20,
		Partitions:       16,
		MaxEventBytes:    32 << 10,
		MaxBatchBytes:    500 << 10,
		MaxInflightBytes: 64 << 20,
		ShutdownTimeout:  15 * time.Second,
	}
}

// setting ties one field to its environment variable and flag.
type setting struct {
	env, flag, help string
	str             *string
	dur             *time.Duration
	num             *int
	num64           *int64
}

func (c *Config) settings() []setting {
	return []setting{
		{env: "RIVET_ADDR", flag: "addr", help: "HTTP listen address", str: &c.Addr},
		{env: "RIVET_DATA", flag: "data", help: "data directory", str: &c.DataDir},
		{env: "RIVET_LOG_LEVEL", flag: "log-level", help: "debug, info, warn or error", str: &c.LogLevel},
		{env: "RIVET_LOG_FORMAT", flag: "log-format", help: "text or json", str: &c.LogFormat},
		{env: "RIVET_FSYNC", flag: "fsync", help: "always: acknowledge after fsync; interval: fsync every --fsync-interval", str: &c.Fsync},
		{env: "RIVET_FSYNC_INTERVAL", flag: "fsync-interval", help: "fsync period for --fsync=interval", dur: &c.FsyncInterval},
		{env: "RIVET_DEDUPE_WINDOW", flag: "dedupe-window", help: "how long a messageId is remembered per source", dur: &c.DedupeWindow},
		{env: "RIVET_DEDUPE_FILTER_KEYS", flag: "dedupe-filter-keys", help: "message ids per window the in-memory dedupe filter is sized for (about 2.4 bytes each)", num: &c.DedupeFilterKeys},
		{env: "RIVET_PARTITIONS", flag: "partitions", help: "log partitions (fixed when the data directory is created)", num: &c.Partitions},
		{env: "RIVET_MAX_EVENT_BYTES", flag: "max-event-bytes", help: "largest event in bytes", num: &c.MaxEventBytes},
		{env: "RIVET_MAX_BATCH_BYTES", flag: "max-batch-bytes", help: "largest request body in bytes (after gzip)", num: &c.MaxBatchBytes},
		{env: "RIVET_MAX_INFLIGHT_BYTES", flag: "max-inflight-bytes", help: "unacknowledged bytes before answering 429", num64: &c.MaxInflightBytes},
		{env: "RIVET_SHUTDOWN_TIMEOUT", flag: "shutdown-timeout", help: "how long shutdown waits for in-flight requests", dur: &c.ShutdownTimeout},
	}
}

// FromEnv applies RIVET_* variables found by lookup (os.LookupEnv in production).
func (c *Config) FromEnv(lookup func(string) (string, bool)) error {
	var errs []error
	for _, s := range c.settings() {
		v, ok := lookup(s.env)
		if !ok {
			continue
		}
		if err := s.set(v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", s.env, v, err))
		}
	}
	return errors.Join(errs...)
}

func (s setting) set(v string) error {
	switch {
	case s.str != nil:
		*s.str = v
	case s.dur != nil:
		d, err := time.ParseDuration(v)
		if err != nil {
			return err
		}
		*s.dur = d
	case s.num != nil:
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		*s.num = n
	case s.num64 != nil:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return err
		}
		*s.num64 = n
	}
	return nil
}

// RegisterFlags binds every setting to a flag of fs, with the current values as defaults.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	for _, s := range c.settings() {
		help := s.help + " (env " + s.env + ")"
		switch {
		case s.str != nil:
			fs.StringVar(s.str, s.flag, *s.str, help)
		case s.dur != nil:
			fs.DurationVar(s.dur, s.flag, *s.dur, help)
		case s.num != nil:
			fs.IntVar(s.num, s.flag, *s.num, help)
		case s.num64 != nil:
			fs.Int64Var(s.num64, s.flag, *s.num64, help)
		}
	}
}

// Load returns the defaults overridden by the process environment.
func Load() (Config, error) {
	c := Default()
	return c, c.FromEnv(os.LookupEnv)
}

// Validate reports every invalid setting at once.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %w", c.Addr, err))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("data: must not be empty"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level %q: must be debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: must be text or json", c.LogFormat))
	}
	if c.Fsync != "always" && c.Fsync != "interval" {
		errs = append(errs, fmt.Errorf("fsync %q: must be always or interval", c.Fsync))
	}
	if c.FsyncInterval <= 0 {
		errs = append(errs, errors.New("fsync-interval: must be positive"))
	}
	if c.DedupeWindow < time.Minute {
		errs = append(errs, errors.New("dedupe-window: must be at least 1m"))
	}
	if c.DedupeFilterKeys < 1024 {
		errs = append(errs, errors.New("dedupe-filter-keys: must be at least 1024"))
	}
	if c.Partitions < 1 || c.Partitions > 4096 {
		errs = append(errs, errors.New("partitions: must be between 1 and 4096"))
	}
	if c.MaxEventBytes < 1024 {
		errs = append(errs, errors.New("max-event-bytes: must be at least 1024"))
	}
	if c.MaxBatchBytes < c.MaxEventBytes {
		errs = append(errs, errors.New("max-batch-bytes: must be at least max-event-bytes"))
	}
	if c.MaxInflightBytes < int64(c.MaxBatchBytes) {
		errs = append(errs, errors.New("max-inflight-bytes: must be at least max-batch-bytes"))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("shutdown-timeout: must be positive"))
	}
	return errors.Join(errs...)
}

// Describe lists the effective settings, one "env=value" per line.
func (c *Config) Describe() []string {
	var out []string
	for _, s := range c.settings() {
		var v string
		switch {
		case s.str != nil:
			v = *s.str
		case s.dur != nil:
			v = s.dur.String()
		case s.num != nil:
			v = strconv.Itoa(*s.num)
		case s.num64 != nil:
			v = strconv.FormatInt(*s.num64, 10)
		}
		out = append(out, s.env+"="+v)
	}
	return out
}
