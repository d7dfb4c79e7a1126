// Package demo generates a deterministic synthetic customer population for a
// Chinese consumer brand, as Segment-format events per source channel, plus
// the exact ground truth of which records belong to which person. The
// identity-resolution work measures precision and recall against that truth,
// so every trap the data contains (shared family phones, cashier test
// numbers, second-hand handsets, typos, formatting variants) is labelled on
// the records that carry it.
package demo

import (
	"cmp"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

const (
	chWeb = iota
	chApp
	chWeChat
	chMicroblog
	chPOS
	chEcommerce
	chCallcenter
	numChannels
)

var channelNames = [numChannels]string{"web", "app", "wechat", "microblog", "pos", "ecommerce", "callcenter"}

// Channels are the source names the demo creates, one write key each.
// Treat it as read-only.
var Channels = []string{"web", "app", "wechat", "microblog", "pos", "ecommerce", "callcenter"}

// Config controls Generate. The same Config always yields byte-identical
// output, which is why a zero Start means a fixed date rather than now.
type Config struct {
	People int
	Seed   int64
	Start  time.Time // simulation period start; zero means DefaultStart
	Days   int       // simulation period length; zero means 90
}

// DefaultStart is 1 April 2025 in China Standard Time, so a default 90-day
// period spans the 618 shopping festival. It is a function so no caller can
// change what a zero Start means.
func DefaultStart() time.Time { return time.Date(2025, 4, 1, 0, 0, 0, 0, cst) }

// Event is one Segment Tracking API call as its JSON object. Events from one
// Population share some nested maps (context.library, context.device, ...),
// so treat them as read-only.
type Event = map[string]any

// Population is a generated crowd, its events and the ground truth.
type Population struct {
	Config Config             // the effective config, defaults applied
	People []Person           // ground-truth persons, People[i].ID == fmt.Sprintf("P%06d", i+1)
	Events map[string][]Event // channel -> events in time order
	Truth  []TruthRecord      // one per event, grouped by channel in Channels order, then in event order
}

// rec is an event before it is placed: sorting needs its time and a total
// tie-break that does not depend on which worker produced it.
type rec struct {
	at     int64
	person int32
	seq    int32
	ev     Event
	noise  []string
}

// Generate builds the population for cfg. People are drawn sequentially
// from the seed; their events are drawn in parallel, each person from a
// stream keyed by (seed, person index), so the result does not depend on
// scheduling.
func Generate(cfg Config) *Population {
	if cfg.Days <= 0 {
		cfg.Days = 90
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart()
	}
	cfg.People = max(cfg.People, 0)
	// Timestamps are written to the millisecond; an unaligned start could
	// print an in-period event as if it came before the period.
	cfg.Start = cfg.Start.Truncate(time.Millisecond)
	start := cfg.Start
	end := start.Add(time.Duration(cfg.Days) * 24 * time.Hour)
	people := makePeople(cfg, start, end)
	libs := newLibraries()

	workers := runtime.GOMAXPROCS(0)
	outs := make([][numChannels][]rec, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 256
	for w := range workers {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(people) {
					return
				}
				for i := lo; i < min(lo+chunk, len(people)); i++ {
					g := gen{
						r:    rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6576656e7473<<16^uint64(i))),
						p:    &people[i],
						seed: cfg.Seed, start: start, end: end,
						out: &outs[w], libs: &libs,
					}
					g.person()
				}
			}
		})
	}
	wg.Wait()

	pop := &Population{Config: cfg, People: people, Events: make(map[string][]Event, numChannels)}
	truths := make([][]TruthRecord, numChannels)
	var mu sync.Mutex
	for ch := range numChannels {
		wg.Go(func() {
			n := 0
			for w := range outs {
				n += len(outs[w][ch])
			}
			recs := make([]rec, 0, n)
			for w := range outs {
				recs = append(recs, outs[w][ch]...)
				outs[w][ch] = nil
			}
			slices.SortFunc(recs, func(a, b rec) int {
				return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.person, b.person), cmp.Compare(a.seq, b.seq))
			})
			evs := make([]Event, len(recs))
			tr := make([]TruthRecord, len(recs))
			for i, rc := range recs {
				id := messageID(cfg.Seed, ch, i)
				rc.ev["messageId"] = id
				evs[i] = rc.ev
				tr[i] = TruthRecord{Channel: channelNames[ch], MessageID: id, Person: people[rc.person].ID,
					Identifiers: identifiersOf(rc.ev), Noise: rc.noise}
			}
			truths[ch] = tr
			mu.Lock()
			pop.Events[channelNames[ch]] = evs
			mu.Unlock()
		})
	}
	wg.Wait()
	n := 0
	for _, tr := range truths {
		n += len(tr)
	}
	pop.Truth = make([]TruthRecord, 0, n)
	for _, tr := range truths {
		pop.Truth = append(pop.Truth, tr...)
	}
	return pop
}

// messageID is a UUID derived from (seed, channel, position), so ids are
// unique within a population, differ between seeds and never depend on
// goroutine timing.
func messageID(seed int64, ch, i int) string {
	k := uint64(seed)*0x9e3779b97f4a7c15 ^ uint64(ch)<<48 ^ uint64(i)
	return uuidFrom(mix64(k), mix64(k^0xd1b54a32d192ed03), false)
}

// gen draws one person's events.
type gen struct {
	r          *rand.Rand
	p          *Person
	seed       int64
	start, end time.Time
	out        *[numChannels][]rec
	libs       *libraries
	seq        int32
}

func (g *gen) person() {
	p := g.p
	steps := [numChannels]func(){g.web, g.app, g.wechat, g.microblog, g.pos, g.ecommerce, g.callcenter}
	for ch, step := range steps {
		if p.in(ch) {
			step()
		}
	}
}

// emit files ev at t, silently dropping anything that would fall outside the
// period (a refund due after the period ends simply has not happened yet).
func (g *gen) emit(ch int, t time.Time, ev Event, noise []string) {
	if t.Before(g.start) || !t.Before(g.end) {
		return
	}
	if g.p.AnonymousOnly {
		// Callers pass shared label slices; never append into their backing array.
		noise = append(noise[:len(noise):len(noise)], NoiseAnonymousOnly)
	}
	ev["timestamp"] = stamp(t)
	g.out[ch] = append(g.out[ch], rec{at: t.UnixNano(), person: int32(g.p.idx), seq: g.seq, ev: ev, noise: noise})
	g.seq++
}

// libraries are the context.library objects each source's SDK or connector
// reports; one copy per population is shared by all its events.
type libraries struct {
	byChannel    [numChannels]map[string]any
	ctx          [numChannels]map[string]any // {"library": ...} for events with no other context
	ios, android map[string]any
	products     map[string]map[string]any // product id -> quantity-1 properties
}

func newLibraries() libraries {
	lib := func(name, version string) map[string]any { return map[string]any{"name": name, "version": version} }
	l := libraries{
		byChannel: [numChannels]map[string]any{
			chWeb:        lib("analytics.js", "next-1.70.0"),
			chWeChat:     lib("rivet-wechat-bridge", "1.4.2"),
			chMicroblog:  lib("rivet-weibo-bridge", "0.9.1"),
			chPOS:        lib("pos-export", "2.3.0"),
			chEcommerce:  lib("oms-sync", "3.0.5"),
			chCallcenter: lib("crm-sync", "1.2.0"),
		},
		ios:     lib("analytics-ios", "4.1.8"),
		android: lib("analytics-android", "4.11.3"),
	}
	for ch, lib := range l.byChannel {
		l.ctx[ch] = map[string]any{"library": lib}
	}
	l.products = make(map[string]map[string]any, len(catalog))
	for i := range catalog {
		l.products[catalog[i].id] = newProductProps(&catalog[i], 1)
	}
	return l
}

// base starts an event of the given type with the channel's shared,
// library-only context; use ctxWith to give it context.traits instead.
func (g *gen) base(ch int, typ string) Event {
	return Event{"type": typ, "context": g.libs.ctx[ch]}
}

// ctxWith is a context carrying traits. Callers reuse one for all events
// with the same traits, as an SDK does, because the contexts dominate
// memory at 100k people.
func (g *gen) ctxWith(ch int, traits map[string]any) map[string]any {
	return map[string]any{"library": g.libs.byChannel[ch], "traits": traits}
}

// hour-of-day weights in China time: shoppers browse at lunch and in the
// evening, stores open 10:00–22:00, the call centre 9:00–21:00.
var (
	onlineHours = [24]float64{2, 1, .5, .3, .3, .5, 1, 2, 3, 4, 5, 5, 6, 5, 4, 4, 4, 4, 5, 6, 8, 9, 8, 5}
	storeHours  = [24]float64{10: 3, 11: 5, 12: 6, 13: 5, 14: 5, 15: 5, 16: 6, 17: 6, 18: 7, 19: 8, 20: 8, 21: 5}
	officeHours = [24]float64{9: 5, 10: 6, 11: 6, 12: 3, 13: 5, 14: 6, 15: 6, 16: 5, 17: 4, 18: 3, 19: 3, 20: 2}
)

// times draws n sorted instants in [from, until) with the given daily rhythm.
func (g *gen) times(n int, from, until time.Time, hours *[24]float64) []time.Time {
	span := until.Sub(from)
	if span <= 0 {
		return nil
	}
	ts := make([]time.Time, n)
	for i := range ts {
		u := from.Add(time.Duration(g.r.Int64N(int64(span))))
		d := u.In(cst)
		h := pick(g.r, 24, func(i int) float64 { return hours[i] })
		t := time.Date(d.Year(), d.Month(), d.Day(), h, g.r.IntN(60), g.r.IntN(60), g.r.IntN(1000)*1e6, cst)
		if t.Before(from) || !t.Before(until) {
			t = u
		}
		ts[i] = t
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
