package ingest

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the pipeline's Prometheus instruments.
type Metrics struct {
	FsyncSeconds  prometheus.Histogram
	GroupRequests prometheus.Histogram

	accepted, duplicate, quarantined prometheus.Counter
}

// NewMetrics registers the pipeline's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rivet_ingest_events_total",
		Help: "Events received, by outcome (accepted, duplicate, quarantined).",
	}, []string{"outcome"})
	m := &Metrics{
		accepted:    events.WithLabelValues("accepted"),
		duplicate:   events.WithLabelValues("duplicate"),
		quarantined: events.WithLabelValues("quarantined"),
		FsyncSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "rivet_log_fsync_seconds",
			Help:    "Duration of event-log group-commit fsyncs.",
			Buckets: prometheus.ExponentialBuckets(0.0002, 2, 14),
		}),
		GroupRequests: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "rivet_log_group_commit_groups",
			Help:    "Write groups covered by one fsync.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 8),
		}),
	}
	reg.MustRegister(events, m.FsyncSeconds, m.GroupRequests)
	return m
}

func (m *Metrics) observe(r Result) {
	m.accepted.Add(float64(r.Accepted))
	m.duplicate.Add(float64(r.Duplicates))
	m.quarantined.Add(float64(r.Quarantined))
}
