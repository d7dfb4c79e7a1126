package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

// idPlaceholder is exactly as wide as a generated messageId, so a fresh id
// can be written over it in place without re-encoding the event.
const idPlaceholder = "@@@@@@@@-@@@@-@@@@-@@@@-@@@@@@@@@@@@"

const idLen = len(idPlaceholder)

// template is one pre-encoded event; id is the offset of the messageId
// placeholder inside raw.
type template struct {
	raw []byte
	id  int
}

// pool holds the pre-generated templates. Generating realistic events with
// encoding/json is slow, so it happens once; per request we only copy bytes
// and splice ids, which keeps the generator's CPU share small on a machine
// it shares with the server under test.
type pool struct {
	tmpl []template
}

// idGen produces unique, UUID-shaped messageIds: a random per-process run id,
// a per-worker id and a per-worker counter, so workers never coordinate.
type idGen struct {
	prefix [14]byte // "RRRRRRRR-WWWW-"
	n      uint64
}

func newIDGen(run uint32, worker uint16) *idGen {
	g := &idGen{}
	putHex(g.prefix[0:8], uint64(run))
	g.prefix[8] = '-'
	putHex(g.prefix[9:13], uint64(worker))
	g.prefix[13] = '-'
	return g
}

const hexDigits = "0123456789abcdef"

// putHex writes v as len(dst) lowercase hex digits, most significant first.
func putHex(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = hexDigits[v&0xf]
		v >>= 4
	}
}

// next writes the next id into dst[:idLen]. Layout after the prefix is
// 0000-CCCC-CCCCCCCCCCCC: the 64-bit counter split UUID-style.
func (g *idGen) next(dst []byte) {
	g.n++
	n := g.n
	copy(dst, g.prefix[:])
	copy(dst[14:19], "0000-")
	putHex(dst[19:23], n>>48)
	dst[23] = '-'
	putHex(dst[24:36], n)
}

// appendBody appends one request body of batch events, taken round-robin from
// the pool starting at *cursor, each with a fresh messageId.
func (p *pool) appendBody(dst []byte, batch int, cursor *int, g *idGen, sentAt time.Time) []byte {
	dst = append(dst, `{"batch":[`...)
	for i := 0; i < batch; i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		t := &p.tmpl[*cursor]
		*cursor++
		if *cursor == len(p.tmpl) {
			*cursor = 0
		}
		start := len(dst)
		dst = append(dst, t.raw...)
		g.next(dst[start+t.id : start+t.id+idLen])
	}
	dst = append(dst, `],"sentAt":"`...)
	dst = sentAt.UTC().AppendFormat(dst, time.RFC3339Nano)
	dst = append(dst, `"}`...)
	return dst
}

// Field order matters only for readability of captured bodies; Segment
// accepts any order.
type event struct {
	MessageID   string         `json:"messageId"`
	Type        string         `json:"type"`
	Event       string         `json:"event,omitempty"`
	Name        string         `json:"name,omitempty"`
	UserID      string         `json:"userId,omitempty"`
	AnonymousID string         `json:"anonymousId,omitempty"`
	Timestamp   string         `json:"timestamp"`
	Context     eventContext   `json:"context"`
	Properties  map[string]any `json:"properties,omitempty"`
	Traits      map[string]any `json:"traits,omitempty"`
}

type eventContext struct {
	IP        string  `json:"ip"`
	UserAgent string  `json:"userAgent"`
	Library   library `json:"library"`
	Page      page    `json:"page"`
	Locale    string  `json:"locale"`
}

type library struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type page struct {
	Path     string `json:"path"`
	Referrer string `json:"referrer,omitempty"`
	Search   string `json:"search,omitempty"`
	Title    string `json:"title"`
	URL      string `json:"url"`
}

var (
	userAgents = []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15",
	}
	libraries = []library{{"analytics.js", "4.1.0"}, {"analytics-next", "1.70.0"}, {"analytics-ios", "4.1.8"}}
	products  = []struct{ name, cat string }{
		{"小米手环8 NFC版", "智能穿戴"},
		{"华为 Mate 60 Pro 手机壳", "手机配件"},
		{"云南普洱熟茶 357克", "茶叶"},
		{"无线降噪蓝牙耳机", "数码影音"},
		{"九阳豆浆机 家用全自动", "厨房电器"},
		{"李宁 超轻跑步鞋", "运动户外"},
	}
	referrers = []string{"https://www.baidu.com/", "https://servicewechat.com/", "https://m.weibo.cn/", ""}
	names     = []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"}
	cities    = []string{"上海", "北京", "深圳", "杭州", "成都"}
	titles    = []string{"首页 | 悦购", "商品详情 | 悦购", "购物车 | 悦购", "限时秒杀 | 悦购"}
	paths     = []string{"/", "/item/10086", "/cart", "/flash-sale", "/search"}
	actions   = []string{"Product Viewed", "Product Added", "Order Completed", "Checkout Started", "Coupon Applied"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// newPool builds n distinct events deterministically from seed (so a test
// and a run see the same shapes).
func newPool(n int, seed uint64) (*pool, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Now().UTC().Add(-time.Hour)
	p := &pool{tmpl: make([]template, 0, n)}
	for i := 0; i < n; i++ {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		// Real SDKs send '&' in URLs verbatim, not as \u0026.
		enc.SetEscapeHTML(false)
		if err := enc.Encode(genEvent(r, i, base)); err != nil {
			return nil, err
		}
		raw := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
		at := bytes.Index(raw, []byte(idPlaceholder))
		if at < 0 {
			return nil, fmt.Errorf("placeholder lost in event %d", i)
		}
		p.tmpl = append(p.tmpl, template{raw: raw, id: at})
	}
	return p, nil
}

func genEvent(r *rand.Rand, i int, base time.Time) event {
	pth := pick(r, paths)
	url := "https://m.yuegou.cn" + pth
	ev := event{
		MessageID: idPlaceholder,
		Timestamp: base.Add(time.Duration(r.Int64N(int64(time.Hour)))).Format("2006-01-02T15:04:05.000Z"),
		Context: eventContext{
			IP:        fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254)),
			UserAgent: pick(r, userAgents),
			Library:   pick(r, libraries),
			Page: page{
				Path:     pth,
				Referrer: pick(r, referrers),
				Title:    pick(r, titles),
				URL:      url,
			},
			Locale: "zh-CN",
		},
	}
	if r.IntN(4) == 0 {
		ev.Context.Page.Search = "?utm_source=wechat&utm_campaign=618"
		ev.Context.Page.URL += ev.Context.Page.Search
	}
	// Roughly a third of traffic is anonymous, as on a real storefront.
	if r.IntN(3) == 0 {
		ev.AnonymousID = fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Uint64()&(1<<48-1))
	} else {
		ev.UserID = fmt.Sprintf("user_%07d", r.IntN(5_000_000))
	}
	switch i % 10 {
	case 0: // identify: fewer than tracks, as in practice
		ev.Type = "identify"
		if ev.UserID == "" {
			ev.UserID = fmt.Sprintf("user_%07d", r.IntN(5_000_000))
		}
		ev.Traits = map[string]any{
			"name":  pick(r, names),
			"email": fmt.Sprintf("u%d@example.cn", r.IntN(1_000_000)),
			"phone": fmt.Sprintf("+86 138%08d", r.IntN(100_000_000)),
			"city":  pick(r, cities),
			"plan":  "会员",
		}
	case 1, 2, 3: // page views
		ev.Type = "page"
		ev.Name = ev.Context.Page.Title
		ev.Properties = map[string]any{
			"path": pth, "title": ev.Context.Page.Title,
		}
	default:
		ev.Type = "track"
		ev.Event = pick(r, actions)
		pr := pick(r, products)
		qty := 1 + r.IntN(3)
		price := float64(1+r.IntN(99999)) / 100
		ev.Properties = map[string]any{
			"name": pr.name, "category": pr.cat,
			"price": price, "quantity": qty, "currency": "CNY",
		}
	}
	return ev
}
