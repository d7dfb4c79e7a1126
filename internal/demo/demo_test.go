package demo

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// mainlandMobile is the allocated prefix space of mainland mobile numbers.
var mainlandMobile = regexp.MustCompile(`^1(3\d|4[5-9]|5[0-35-9]|6[67]|7[0-8]|8\d|9[0-35-9])\d{8}$`)

var emailShape = regexp.MustCompile(`^[a-z0-9][a-z0-9._]*@(qq|163|126|gmail|sina|outlook)\.com$`)

// normalizePhone undoes the formatting noise the generator applies; it is
// what a sane identity pipeline would do before comparing phones.
func normalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r >= '0' && r <= '9', r == '*':
			b.WriteRune(r)
		}
	}
	d := b.String()
	switch {
	case len(d) == 15 && strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	case len(d) == 12 && strings.HasPrefix(d, "0"):
		d = d[1:]
	}
	return d
}

// shared caches populations so the many tests below pay for generation once.
var (
	popMu    sync.Mutex
	popCache = map[Config]*Population{}
)

func population(t *testing.T, people int, seed int64) *Population {
	t.Helper()
	popMu.Lock()
	defer popMu.Unlock()
	cfg := Config{People: people, Seed: seed}
	if p, ok := popCache[cfg]; ok {
		return p
	}
	p := Generate(cfg)
	popCache[cfg] = p
	return p
}

// fingerprint is every byte a user of the population could observe.
func fingerprint(t *testing.T, p *Population) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, ch := range Channels {
		for _, ev := range p.Events[ch] {
			if err := enc.Encode(ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := enc.Encode(p.People); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteTruth(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDeterminism(t *testing.T) {
	base := fingerprint(t, population(t, 300, 7))
	cases := []struct {
		name string
		cfg  Config
		same bool
	}{
		{"same seed", Config{People: 300, Seed: 7}, true},
		{"explicit defaults", Config{People: 300, Seed: 7, Start: DefaultStart(), Days: 90}, true},
		{"other seed", Config{People: 300, Seed: 8}, false},
		{"other start", Config{People: 300, Seed: 7, Start: DefaultStart().AddDate(0, 0, 1)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fingerprint(t, Generate(tc.cfg))
			if bytes.Equal(got, base) != tc.same {
				t.Fatalf("output identical = %v, want %v", !tc.same, tc.same)
			}
		})
	}
}

func TestEventsWellFormed(t *testing.T) {
	odd := time.Date(2024, 11, 1, 3, 4, 5, 678901234, time.UTC) // unaligned, not China time
	cases := []struct {
		name   string
		pop    func() *Population
		people int
		start  time.Time
		days   int
	}{
		{"defaults", func() *Population { return population(t, 1000, 1) }, 1000, DefaultStart(), 90},
		{"short odd period", func() *Population { return Generate(Config{People: 400, Seed: 9, Start: odd, Days: 14}) }, 400, odd, 14},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkEvents(t, tc.pop(), tc.people, tc.start, tc.start.Add(time.Duration(tc.days)*24*time.Hour))
		})
	}
}

func checkEvents(t *testing.T, p *Population, people int, start, end time.Time) {
	start = start.Truncate(time.Millisecond)
	ids := map[string]bool{}
	total := 0
	for _, ch := range Channels {
		evs := p.Events[ch]
		if len(evs) == 0 {
			t.Errorf("channel %s has no events", ch)
		}
		var prev time.Time
		for _, ev := range evs {
			total++
			id, _ := ev["messageId"].(string)
			if id == "" || ids[id] {
				t.Fatalf("%s: missing or duplicate messageId %q", ch, id)
			}
			ids[id] = true
			if ev["userId"] == nil && ev["anonymousId"] == nil {
				t.Fatalf("%s %s: neither userId nor anonymousId", ch, id)
			}
			switch ev["type"] {
			case "track":
				if s, _ := ev["event"].(string); s == "" {
					t.Fatalf("%s %s: track without event name", ch, id)
				}
			case "identify", "page", "screen":
			default:
				t.Fatalf("%s %s: bad type %v", ch, id, ev["type"])
			}
			ts, err := time.Parse(time.RFC3339Nano, ev["timestamp"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if ts.Before(start) || !ts.Before(end) {
				t.Fatalf("%s %s: timestamp %v outside [%v, %v)", ch, id, ts, start, end)
			}
			if ts.Before(prev) {
				t.Fatalf("%s: events out of time order at %s", ch, id)
			}
			prev = ts
			b, err := json.Marshal(ev)
			if err != nil || len(b) >= MaxEventBytes {
				t.Fatalf("%s %s: %d bytes, err %v", ch, id, len(b), err)
			}
		}
	}
	perPerson := float64(total) / float64(people)
	if end.Sub(start) >= 90*24*time.Hour && (perPerson < 20 || perPerson > 60) {
		t.Errorf("%.1f events per person, want 20–60", perPerson)
	}
}

func TestTruthCoversEveryEvent(t *testing.T) {
	p := population(t, 1000, 1)
	byID := map[string]TruthRecord{}
	for _, tr := range p.Truth {
		byID[tr.MessageID] = tr
	}
	persons := map[string]bool{}
	for _, ps := range p.People {
		persons[ps.ID] = true
	}
	n := 0
	for _, ch := range Channels {
		for _, ev := range p.Events[ch] {
			n++
			tr, ok := byID[ev["messageId"].(string)]
			if !ok || tr.Channel != ch || !persons[tr.Person] {
				t.Fatalf("event %v: truth %+v", ev["messageId"], tr)
			}
			if tr.Identifiers != identifiersOf(ev) {
				t.Fatalf("truth identifiers %+v differ from event %v", tr.Identifiers, ev)
			}
		}
	}
	if n != len(p.Truth) || n != len(byID) {
		t.Fatalf("%d events, %d truth records, %d distinct", n, len(p.Truth), len(byID))
	}
	var buf bytes.Buffer
	if err := p.WriteTruth(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("WriteTruth wrote %d lines for %d events", len(lines), n)
	}
	var first TruthRecord
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first.MessageID != p.Truth[0].MessageID {
		t.Fatalf("first line %q: %v", lines[0], err)
	}
}

func TestPhonesValidUnlessMarked(t *testing.T) {
	p := population(t, 1000, 1)
	for _, tr := range p.Truth {
		raw := tr.Identifiers.Phone
		if raw == "" {
			continue
		}
		norm := normalizePhone(raw)
		if !mainlandMobile.MatchString(norm) && !has(tr.Noise, NoiseTypoPhone, NoiseMaskedPhone) {
			t.Errorf("%s: phone %q (normalised %q) invalid but unmarked, noise %v", tr.MessageID, raw, norm, tr.Noise)
		}
		if raw != norm && !has(tr.Noise, NoisePhoneFormat, NoiseFullWidth, NoiseMaskedPhone) {
			t.Errorf("%s: phone %q is formatted but unmarked", tr.MessageID, raw)
		}
	}
	for _, ps := range p.People {
		if !mainlandMobile.MatchString(ps.Phone) {
			t.Errorf("%s: canonical phone %q invalid", ps.ID, ps.Phone)
		}
	}
}

func TestPeopleLookReal(t *testing.T) {
	start := DefaultStart()
	people := makePeople(Config{People: 20000, Seed: 3}, start, start.AddDate(0, 0, 90))
	compound, cities := 0, map[string]bool{}
	for _, pv := range provinces {
		for _, c := range pv.cities {
			cities[pv.name+c.name] = true
		}
	}
	emails := map[string]bool{}
	for _, ps := range people {
		if !cities[ps.Province+ps.City] {
			t.Fatalf("%s: unknown place %s%s", ps.ID, ps.Province, ps.City)
		}
		for _, r := range ps.Name {
			if !unicode.Is(unicode.Han, r) {
				t.Fatalf("%s: name %q is not all Han", ps.ID, ps.Name)
			}
		}
		if len([]rune(ps.Surname)) == 2 {
			compound++
		}
		if ps.Email != "" {
			if !emailShape.MatchString(ps.Email) {
				t.Fatalf("%s: e-mail %q", ps.ID, ps.Email)
			}
			if emails[ps.Email] {
				t.Fatalf("e-mail %s given to two persons", ps.Email)
			}
			emails[ps.Email] = true
		}
		for app, oid := range ps.WeChatOpenIDs {
			if len(oid) != 28 || len(ps.WeChatUnionID) != 28 || oid == ps.WeChatUnionID || !strings.HasPrefix(app, "wx") {
				t.Fatalf("%s: bad WeChat ids %q/%q for %s", ps.ID, oid, ps.WeChatUnionID, app)
			}
		}
		if len(ps.WeChatOpenIDs) == 2 && ps.WeChatOpenIDs[WeChatOfficialAccountAppID] == ps.WeChatOpenIDs[WeChatMiniProgramAppID] {
			t.Fatalf("%s: openid not scoped per app", ps.ID)
		}
		if ps.WeiboUID != "" && len(ps.WeiboUID) != 10 || ps.MemberNo != "" && len(ps.MemberNo) != 10 {
			t.Fatalf("%s: bad weibo uid %q or member no %q", ps.ID, ps.WeiboUID, ps.MemberNo)
		}
	}
	if compound == 0 || compound > 100 {
		t.Errorf("%d compound surnames in 20000, want rare but present", compound)
	}
}

func TestFollowGraphHeavyTailed(t *testing.T) {
	p := population(t, 1000, 1)
	uids := map[string]string{}
	for _, ps := range p.People {
		if ps.WeiboUID != "" {
			uids[ps.WeiboUID] = ps.ID
		}
	}
	in := map[string]int{}
	for _, ev := range p.Events["microblog"] {
		if ev["event"] != "Follow" {
			continue
		}
		target := ev["properties"].(map[string]any)["target_uid"].(string)
		if uids[target] == "" || "wb:"+target == ev["anonymousId"] {
			t.Fatalf("follow of unknown or own uid %s", target)
		}
		in[target]++
	}
	counts := make([]int, 0, len(in))
	for _, c := range in {
		counts = append(counts, c)
	}
	slices.Sort(counts)
	if len(counts) < 10 || counts[len(counts)-1] < 10*counts[len(counts)/2] {
		t.Errorf("in-degree not heavy-tailed: %d followed, median %d, max %d", len(counts), counts[len(counts)/2], counts[len(counts)-1])
	}
}

func TestPhoneFormats(t *testing.T) {
	cases := []struct {
		style phoneStyle
		want  string
	}{
		{stylePlain, "13800138000"},
		{styleSpaced, "138 0013 8000"},
		{styleDashed, "138-0013-8000"},
		{stylePlus86, "+86 138-0013-8000"},
		{stylePlusTight, "+8613800138000"},
		{style0086, "008613800138000"},
		{styleTrunk0, "013800138000"},
		{styleFullWidth, "１３８００１３８０００"},
	}
	for _, tc := range cases {
		got := formatPhone("13800138000", tc.style)
		if got != tc.want || normalizePhone(got) != "13800138000" {
			t.Errorf("style %d: %q (normalised %q), want %q", tc.style, got, normalizePhone(got), tc.want)
		}
	}
}

func TestEmptyPopulation(t *testing.T) {
	for _, n := range []int{0, -5} {
		p := Generate(Config{People: n, Seed: 1})
		if len(p.People) != 0 || len(p.Truth) != 0 {
			t.Fatalf("People=%d: %d persons, %d truth records", n, len(p.People), len(p.Truth))
		}
		for _, ch := range Channels {
			if len(p.Events[ch]) != 0 {
				t.Fatalf("People=%d: %d %s events", n, len(p.Events[ch]), ch)
			}
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		p := Generate(Config{People: 10000, Seed: int64(b.N)})
		b.ReportMetric(float64(len(p.Truth))/10000, "events/person")
	}
}
