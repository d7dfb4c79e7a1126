package ingest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/rivetcdp/rivet/internal/eventlog"
	"github.com/rivetcdp/rivet/internal/store"
)

// FsyncPolicy says when a request is acknowledged.
type FsyncPolicy string

const (
	// FsyncAlways acknowledges only after the group's fsync (the default):
	// no acknowledged event is lost by a crash or power loss.
	FsyncAlways FsyncPolicy = "always"
	// FsyncInterval acknowledges once written to the OS and fsyncs every
	// FsyncInterval: safe against a process crash, not against power loss.
	FsyncInterval FsyncPolicy = "interval"
)

// Config tunes the pipeline.
type Config struct {
	Partitions       int           // hash partitions of the log (default 16)
	DedupeWindow     time.Duration // how long a messageId is remembered (default 24h)
	MaxInflightBytes int64         // above this, Submit answers ErrOverloaded (default 64 MiB)
	DedupeFilterKeys uint          // message ids per window the in-memory filter is sized for (default 32M)
	Fsync            FsyncPolicy
	FsyncInterval    time.Duration // for FsyncInterval (default 50ms)
}

func (c Config) withDefaults() Config {
	if c.Partitions <= 0 {
		c.Partitions = 16
	}
	if c.DedupeWindow <= 0 {
		c.DedupeWindow = 24 * time.Hour
	}
	if c.MaxInflightBytes <= 0 {
		c.MaxInflightBytes = 64 << 20
	}
	if c.DedupeFilterKeys == 0 {
		c.DedupeFilterKeys = 32 << 20
	}
	if c.Fsync == "" {
		c.Fsync = FsyncAlways
	}
	if c.FsyncInterval <= 0 {
		c.FsyncInterval = 50 * time.Millisecond
	}
	return c
}

// Errors Submit returns.
var (
	ErrOverloaded  = errors.New("ingest: overloaded")
	ErrUnavailable = errors.New("ingest: not accepting events")
)

// Submission is what one request contributes to the log.
type Submission struct {
	Workspace  string
	Source     string
	ReceivedAt time.Time
	Events     []Event
	Rejected   []Rejected
}

// Result says what happened to a submission's events.
type Result struct {
	Accepted    int
	Duplicates  int
	Quarantined int
}

type request struct {
	sub  *Submission
	size int64
	res  Result
	err  error
	done chan struct{}
}

// written is what the indexer needs of one appended record.
type written struct {
	kind       eventlog.Kind
	offset     int64
	receivedAt int64
	ws, src    string
	did        string // dedupe id: store.DedupeID(src, messageId)
	userID     string
	anonID     string
}

type group struct {
	reqs []*request
	recs []written
	end  int64
	err  error
}

// Pipeline turns submissions into durable, deduplicated log records and keeps
// the store's indexes (dedupe, by source, by identifier, quarantine) current.
//
// Three goroutines, each owning one step: the writer dedupes and writes a
// group of requests, the syncer fsyncs (covering every group written since its
// last fsync) and acknowledges, the indexer commits the group's index entries.
// The writer consults `pending` for records not yet indexed; the indexer
// deletes from pending only after its batch is visible in the store, so a
// messageId is always found in one or the other.
type Pipeline struct {
	cfg     Config
	log     *eventlog.Log
	db      *store.DB
	logger  *slog.Logger
	metrics *Metrics

	mu      sync.RWMutex // guards closed against sends on queue
	closed  bool
	queue   chan *request
	syncq   chan *group
	indexq  chan []*group
	stopped chan struct{}

	pendingMu sync.Mutex
	pending   map[string]int64 // dedupe id -> receivedAt, written but not indexed
	filter    *dedupeFilter    // writer goroutine only

	wg       *sync.WaitGroup
	indexed  atomic.Int64  // log offset the indexes cover
	idxMu    sync.Mutex    // guards idxWake
	idxWake  chan struct{} // closed and replaced whenever indexed advances
	inflight atomic.Int64
	failed   atomic.Pointer[error]
	now      func() time.Time
}

// NewPipeline builds a pipeline on an open log and store. Call Recover, then Start.
func NewPipeline(cfg Config, log *eventlog.Log, db *store.DB, logger *slog.Logger, m *Metrics) *Pipeline {
	p := &Pipeline{
		cfg: cfg.withDefaults(), log: log, db: db, logger: logger, metrics: m,
		queue:   make(chan *request, 4096),
		syncq:   make(chan *group, 64),
		indexq:  make(chan []*group, 64),
		stopped: make(chan struct{}),
		pending: make(map[string]int64),
		now:     time.Now,
	}
	p.filter = newDedupeFilter(p.cfg.DedupeFilterKeys)
	return p
}

// Partition is the log partition of an event: a hash of the workspace and the
// person's first identifier, so that one person's events keep their order.
func Partition(workspace, userID, anonymousID string, partitions int) uint16 {
	id := userID
	if id == "" {
		id = anonymousID
	}
	// FNV-1a, inline: this runs for every event.
	const offset32, prime32 = 2166136261, 16777619
	h := uint32(offset32)
	for i := 0; i < len(workspace); i++ {
		h = (h ^ uint32(workspace[i])) * prime32
	}
	h *= prime32 // the separator byte 0
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * prime32
	}
	return uint16(h % uint32(partitions))
}

// Recover indexes records that reached the log but not the store before the
// last stop (a crash leaves at most a few groups behind), so that dedupe and
// listings are complete before the first request.
func (p *Pipeline) Recover() error {
	from := int64(0)
	if v, err := p.db.Get(store.KeyIndexed); err == nil && len(v) == 8 {
		from = int64(binary.BigEndian.Uint64(v))
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	g := &group{}
	n := 0
	flush := func(end int64) error {
		g.end = end
		if err := p.index([]*group{g}); err != nil {
			return err
		}
		g = &group{}
		return nil
	}
	err := p.log.Scan(from, func(off int64, payload []byte) error {
		r, err := eventlog.Decode(payload)
		if err != nil {
			return fmt.Errorf("recover: record at %d: %w", off, err)
		}
		g.recs = append(g.recs, written{kind: r.Kind, offset: off, receivedAt: r.ReceivedAt, ws: r.Workspace, src: r.Source, did: string(filterKey(nil, r.Source, r.MessageID)), userID: r.UserID, anonID: r.AnonymousID})
		n++
		if len(g.recs) >= 10000 {
			return flush(off + eventlog.FrameSize(payload))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(p.log.Durable()); err != nil {
		return err
	}
	p.indexed.Store(p.log.Durable())
	if n > 0 {
		p.logger.Info("recovered log tail into indexes", "records", n, "from_offset", from)
	}
	return p.loadFilter()
}

// loadFilter fills the dedupe filter with the message ids of the buckets still
// in the window, so that after a restart the filter's "never seen" stays true.
func (p *Pipeline) loadFilter() error {
	b := p.bucket(p.now().UnixNano())
	p.filter.advance(b)
	n := 0
	for _, bk := range [2]uint32{b - 1, b} {
		prefix := store.DedupeBucketPrefix(bk)
		err := p.db.Iterate(prefix, nil, false, func(k, _ []byte) bool {
			p.filter.add(bk, k[len(prefix):])
			n++
			return true
		})
		if err != nil {
			return fmt.Errorf("load dedupe filter: %w", err)
		}
	}
	if n > 0 {
		p.logger.Info("loaded dedupe filter", "message_ids", n)
	}
	return nil
}

// Start runs the pipeline's goroutines until Close.
func (p *Pipeline) Start() {
	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); p.writer() }()
	go func() { defer wg.Done(); p.syncer() }()
	go func() { defer wg.Done(); p.indexer() }()
	go func() { defer wg.Done(); p.sweeper() }()
	p.wg = &wg
}

// Close stops accepting, finishes every queued request and waits for the
// goroutines to stop. The log and store stay open for the caller to close.
func (p *Pipeline) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	if p.wg != nil {
		p.wg.Wait()
	}
}

// Submit appends a submission and waits until it is durable (per policy).
func (p *Pipeline) Submit(ctx context.Context, sub *Submission) (Result, error) {
	if errp := p.failed.Load(); errp != nil {
		return Result{}, ErrUnavailable
	}
	var size int64
	for _, e := range sub.Events {
		size += int64(len(e.Body)) + 128
	}
	for _, r := range sub.Rejected {
		size += int64(len(r.Raw)) + 256
	}
	// Over the limit, refuse (429) rather than queue without bound; a request
	// larger than the whole limit still goes through when nothing else is in flight.
	if n := p.inflight.Add(size); n > p.cfg.MaxInflightBytes && n > size {
		p.inflight.Add(-size)
		return Result{}, ErrOverloaded
	}
	req := &request{sub: sub, size: size, done: make(chan struct{})}
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		p.inflight.Add(-size)
		return Result{}, ErrUnavailable
	}
	select {
	case p.queue <- req:
		p.mu.RUnlock()
	default:
		p.mu.RUnlock()
		p.inflight.Add(-size)
		return Result{}, ErrOverloaded
	}
	select {
	case <-req.done:
		return req.res, req.err
	case <-ctx.Done():
		// The request stays queued and will be written; the client is gone.
		return Result{}, ctx.Err()
	}
}

// Inflight is the number of bytes accepted but not yet acknowledged.
func (p *Pipeline) Inflight() int64 { return p.inflight.Load() }

func (p *Pipeline) bucket(t int64) uint32 {
	return uint32(t / int64(p.cfg.DedupeWindow))
}

// seen reports whether the message whose dedupe id is fk was accepted within
// the dedupe window. Called with pendingMu held.
func (p *Pipeline) seen(fk []byte, now int64) (bool, error) {
	if !p.filter.mayContain(fk) {
		return false, nil
	}
	if _, ok := p.pending[string(fk)]; ok {
		return true, nil
	}
	b := p.bucket(now)
	var key []byte
	for _, bk := range [2]uint32{b, b - 1} {
		// A "maybe" is rare (1 % plus real duplicates): the conversion's copy does not matter.
		key = store.DedupeKey(key[:0], bk, string(fk))
		v, err := p.db.Get(key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if len(v) >= 8 && now-int64(binary.BigEndian.Uint64(v)) < int64(p.cfg.DedupeWindow) {
			return true, nil
		}
	}
	return false, nil
}

// filterKey is a message's dedupe id, the key of the filter and of pending:
// the dd/ key without prefix and bucket.
func filterKey(dst []byte, src, msgID string) []byte { return store.DedupeID(dst, src, msgID) }

func (p *Pipeline) fail(err error) {
	if p.failed.CompareAndSwap(nil, &err) {
		p.logger.Error("event log failed; refusing new events", "err", err)
	}
}

// Healthy reports whether the log can take writes.
func (p *Pipeline) Healthy() error {
	if errp := p.failed.Load(); errp != nil {
		return *errp
	}
	return nil
}

const maxGroupRequests = 512

func (p *Pipeline) writer() {
	defer close(p.syncq)
	var payloads [][]byte
	var offsets []int64
	var buf []byte
	var key []byte
	for first := range p.queue {
		reqs := []*request{first}
	drain:
		for len(reqs) < maxGroupRequests {
			select {
			case r, ok := <-p.queue:
				if !ok {
					break drain
				}
				reqs = append(reqs, r)
			default:
				break drain
			}
		}
		g := &group{reqs: reqs}
		if errp := p.failed.Load(); errp != nil {
			g.err = ErrUnavailable
			p.syncq <- g
			continue
		}
		payloads, buf = payloads[:0], buf[:0]
		p.filter.advance(p.bucket(reqs[len(reqs)-1].sub.ReceivedAt.UnixNano()))
		p.pendingMu.Lock()
		for _, req := range reqs {
			sub := req.sub
			now := sub.ReceivedAt.UnixNano()
			for i := range sub.Events {
				e := &sub.Events[i]
				key = filterKey(key[:0], sub.Source, e.MessageID)
				dup, err := p.seen(key, now)
				if err != nil {
					g.err = err
					break
				}
				if dup {
					req.res.Duplicates++
					continue
				}
				did := string(key)
				p.pending[did] = now
				p.filter.add(p.bucket(now), key)
				rec := eventlog.Record{Kind: eventlog.KindEvent, Partition: Partition(sub.Workspace, e.UserID, e.AnonymousID, p.cfg.Partitions),
					ReceivedAt: now, Workspace: sub.Workspace, Source: sub.Source, MessageID: e.MessageID, UserID: e.UserID, AnonymousID: e.AnonymousID, Body: e.Body}
				start := len(buf)
				buf = rec.AppendEncode(buf)
				payloads = append(payloads, buf[start:len(buf):len(buf)])
				g.recs = append(g.recs, written{kind: eventlog.KindEvent, receivedAt: now, ws: sub.Workspace, src: sub.Source, did: did, userID: e.UserID, anonID: e.AnonymousID})
				req.res.Accepted++
			}
			for _, rj := range sub.Rejected {
				rec := eventlog.Record{Kind: eventlog.KindQuarantine, ReceivedAt: now, Workspace: sub.Workspace, Source: sub.Source, Body: quarantineBody(rj)}
				start := len(buf)
				buf = rec.AppendEncode(buf)
				payloads = append(payloads, buf[start:len(buf):len(buf)])
				g.recs = append(g.recs, written{kind: eventlog.KindQuarantine, receivedAt: now, ws: sub.Workspace, src: sub.Source})
				req.res.Quarantined++
			}
		}
		p.pendingMu.Unlock()
		if g.err == nil && len(payloads) > 0 {
			var end int64
			var err error
			offsets, end, err = p.log.Write(payloads, offsets[:0])
			if err != nil {
				g.err = err
				p.fail(err)
			} else {
				for i := range g.recs {
					g.recs[i].offset = offsets[i]
				}
				g.end = end
			}
		}
		if g.err != nil {
			p.forget(g.recs)
		}
		p.syncq <- g
	}
}

func (p *Pipeline) syncer() {
	defer close(p.indexq)
	lastSync := time.Now()
	var ticker *time.Ticker
	var tick <-chan time.Time
	if p.cfg.Fsync == FsyncInterval {
		ticker = time.NewTicker(p.cfg.FsyncInterval)
		defer ticker.Stop()
		tick = ticker.C
	}
	for {
		var g *group
		var ok bool
		select {
		case g, ok = <-p.syncq:
		case <-tick:
			if err := p.log.Sync(p.log.Written()); err != nil {
				p.fail(err)
			}
			lastSync = time.Now()
			continue
		}
		if !ok {
			if err := p.log.Sync(p.log.Written()); err != nil {
				p.fail(err)
			}
			return
		}
		groups := []*group{g}
	drain:
		for {
			select {
			case g2, ok := <-p.syncq:
				if !ok {
					break drain
				}
				groups = append(groups, g2)
			default:
				break drain
			}
		}
		end := int64(0)
		for _, g := range groups {
			end = max(end, g.end)
		}
		var syncErr error
		if end > 0 && (p.cfg.Fsync == FsyncAlways || time.Since(lastSync) >= p.cfg.FsyncInterval) {
			start := time.Now()
			syncErr = p.log.Sync(end)
			p.metrics.FsyncSeconds.Observe(time.Since(start).Seconds())
			lastSync = time.Now()
			if syncErr != nil {
				p.fail(syncErr)
			}
		}
		var toIndex []*group
		for _, g := range groups {
			err := g.err
			if err == nil {
				err = syncErr
			}
			for _, req := range g.reqs {
				if err != nil {
					req.err = err
					req.res = Result{}
				} else {
					p.metrics.observe(req.res)
				}
				p.inflight.Add(-req.size)
				close(req.done)
			}
			if err == nil && len(g.recs) > 0 {
				toIndex = append(toIndex, g)
			}
		}
		p.metrics.GroupRequests.Observe(float64(len(groups)))
		if len(toIndex) > 0 {
			p.indexq <- toIndex
		}
	}
}

func (p *Pipeline) indexer() {
	defer close(p.stopped)
	for gs := range p.indexq {
	drain:
		for len(gs) < 64 {
			select {
			case more, ok := <-p.indexq:
				if !ok {
					break drain
				}
				gs = append(gs, more...)
			default:
				break drain
			}
		}
		if err := p.index(gs); err != nil {
			p.fail(fmt.Errorf("index: %w", err))
		}
	}
}

// index writes the index entries of groups and advances meta/indexed. The
// store write is not fsync'd: after a crash, Recover redoes it from the log.
func (p *Pipeline) index(gs []*group) error {
	var end int64
	var kb sortedKeys
	var val [16]byte
	// One by-source entry per source per round, listing its offsets: a
	// request's events nearly always share a source, so this saves a key per event.
	bySource := map[string][]int64{}
	for _, g := range gs {
		end = max(end, g.end)
		for _, r := range g.recs {
			switch r.kind {
			case eventlog.KindEvent:
				binary.BigEndian.PutUint64(val[:8], uint64(r.receivedAt))
				binary.BigEndian.PutUint64(val[8:], uint64(r.offset))
				kb.add(store.DedupeKey(kb.next(), p.bucket(r.receivedAt), r.did), val[:])
				bySource[r.src] = append(bySource[r.src], r.offset)
				if r.userID != "" {
					kb.add(store.AppendIdentEventKey(kb.next(), r.ws, 'u', r.userID, r.offset), nil)
				}
				if r.anonID != "" {
					kb.add(store.AppendIdentEventKey(kb.next(), r.ws, 'a', r.anonID, r.offset), nil)
				}
			case eventlog.KindQuarantine:
				kb.add(store.AppendQuarantineKey(kb.next(), r.src, r.offset), nil)
			}
		}
	}
	for src, offs := range bySource {
		kb.add(store.AppendSourceEventKey(kb.next(), src, offs[0]), encodeOffsets(nil, offs))
	}
	b := p.db.NewBatch()
	defer b.Close()
	kb.writeSorted(b)
	if end > 0 && end > p.indexed.Load() {
		var e [8]byte
		binary.BigEndian.PutUint64(e[:], uint64(end))
		b.Set(store.KeyIndexed, e[:])
	}
	if err := b.Commit(false); err != nil {
		return err
	}
	for _, g := range gs {
		p.forget(g.recs)
	}
	if end > p.indexed.Load() {
		p.indexed.Store(end)
		p.idxMu.Lock()
		if p.idxWake != nil {
			close(p.idxWake)
			p.idxWake = nil
		}
		p.idxMu.Unlock()
	}
	return nil
}

// WaitIndexed waits until everything acknowledged so far is visible to
// readers, so that a listing made after a 200 includes that request's events.
func (p *Pipeline) WaitIndexed(ctx context.Context) error {
	target := p.log.Durable()
	for p.indexed.Load() < target {
		p.idxMu.Lock()
		if p.idxWake == nil {
			p.idxWake = make(chan struct{})
		}
		wake := p.idxWake
		p.idxMu.Unlock()
		if p.indexed.Load() >= target {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// encodeOffsets writes ascending offsets after the first (which is in the
// key) as uvarint deltas.
func encodeOffsets(dst []byte, offs []int64) []byte {
	for i := 1; i < len(offs); i++ {
		dst = binary.AppendUvarint(dst, uint64(offs[i]-offs[i-1]))
	}
	return dst
}

// decodeOffsets is the inverse of encodeOffsets.
func decodeOffsets(first int64, v []byte) ([]int64, error) {
	offs := []int64{first}
	for len(v) > 0 {
		d, n := binary.Uvarint(v)
		if n <= 0 {
			return nil, fmt.Errorf("corrupt offset list")
		}
		offs = append(offs, offs[len(offs)-1]+int64(d))
		v = v[n:]
	}
	return offs, nil
}

// sortedKeys collects a round's index entries in one arena so they can be
// written in key order: Pebble's memtable inserts in-order keys of a batch
// far more cheaply (it reuses the previous insert's position in the skiplist)
// than the random order in which events name their sources and people.
type sortedKeys struct {
	arena []byte
	ents  []keyEnt
}

type keyEnt struct{ k0, k1, v1 int } // key = arena[k0:k1], value = arena[k1:v1]

// next returns the arena to append one key to (then call add).
func (s *sortedKeys) next() []byte { return s.arena }

func (s *sortedKeys) add(arenaWithKey, value []byte) {
	k0 := len(s.arena)
	s.arena = append(arenaWithKey, value...)
	k1 := len(arenaWithKey)
	s.ents = append(s.ents, keyEnt{k0, k1, len(s.arena)})
}

func (s *sortedKeys) writeSorted(b *store.Batch) {
	a := s.arena
	slices.SortFunc(s.ents, func(x, y keyEnt) int { return bytes.Compare(a[x.k0:x.k1], a[y.k0:y.k1]) })
	for _, e := range s.ents {
		b.Set(a[e.k0:e.k1:e.k1], a[e.k1:e.v1])
	}
}

// forget drops records from pending: they are indexed, or were never written.
func (p *Pipeline) forget(recs []written) {
	p.pendingMu.Lock()
	for _, r := range recs {
		if r.kind == eventlog.KindEvent {
			delete(p.pending, r.did)
		}
	}
	p.pendingMu.Unlock()
}

// sweeper drops dedupe buckets that fell out of the window, until the
// indexer (the last stage) has stopped.
func (p *Pipeline) sweeper() {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if b := p.bucket(p.now().UnixNano()); b >= 2 {
			batch := p.db.NewBatch()
			batch.DeleteRange(store.PrefixDedupe, store.DedupeBucketPrefix(b-1))
			if err := batch.Commit(false); err != nil {
				p.logger.Warn("dedupe sweep failed", "err", err)
			}
		}
		select {
		case <-p.stopped:
			return
		case <-t.C:
		}
	}
}

// QuarantineEntry is the stored form of rejected input.
type QuarantineEntry struct {
	Index     int    `json:"index"`
	Code      Code   `json:"code"`
	Message   string `json:"message"`
	Raw       string `json:"raw,omitempty"`
	RawBase64 string `json:"raw_base64,omitempty"`
}

func quarantineBody(r Rejected) []byte {
	q := QuarantineEntry{Index: r.Index, Code: r.Code, Message: r.Message}
	if utf8.Valid(r.Raw) {
		q.Raw = string(r.Raw)
	} else {
		q.RawBase64 = base64.StdEncoding.EncodeToString(r.Raw)
	}
	b, _ := json.Marshal(q)
	return b
}
