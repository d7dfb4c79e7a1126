package config

import (
	"flag"
	"strings"
	"testing"
	"time"
)

func TestEnvThenFlags(t *testing.T) {
	env := map[string]string{"RIVET_ADDR": "0.0.0.0:9000", "RIVET_DEDUPE_WINDOW": "48h", "RIVET_PARTITIONS": "32"}
	c := Default()
	if err := c.FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--partitions", "64"}); err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DedupeWindow != 48*time.Hour || c.Partitions != 64 {
		t.Fatalf("got %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestBadValuesAreAllReported(t *testing.T) {
	c := Default()
	err := c.FromEnv(func(k string) (string, bool) {
		switch k {
		case "RIVET_FSYNC_INTERVAL":
			return "soon", true
		case "RIVET_PARTITIONS":
			return "many", true
		}
		return "", false
	})
	if err == nil || !strings.Contains(err.Error(), "RIVET_FSYNC_INTERVAL") || !strings.Contains(err.Error(), "RIVET_PARTITIONS") {
		t.Fatalf("env errors: %v", err)
	}
	c = Default()
	c.Addr, c.MaxBatchBytes, c.LogFormat = "nowhere", 10, "xml"
	err = c.Validate()
	for _, want := range []string{"addr", "max-batch-bytes", "log-format"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("Validate() = %v, missing %s", err, want)
		}
	}
}
