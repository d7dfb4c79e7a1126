package demo

import (
	"math"
	"strings"
	"time"
)

// phoneOf renders the person's phone for one record the way its source
// writes it: typoOdds is the chance a digit was misheard, fmtOdds the chance
// the number is written in one of styles rather than as plain digits.
func (g *gen) phoneOf(ns []string, fmtOdds, typoOdds float64, styles ...phoneStyle) (string, []string) {
	p := g.p.Phone
	if g.p.SharesPhoneWith != "" {
		ns = append(ns, NoiseSharedPhone)
	}
	if chance(g.r, typoOdds) {
		p = typoPhone(g.r, p)
		ns = append(ns, NoiseTypoPhone)
	}
	if len(styles) > 0 && chance(g.r, fmtOdds) && len(p) == 11 {
		s := oneOf(g.r, styles)
		p = formatPhone(p, s)
		if s == styleFullWidth {
			ns = append(ns, NoiseFullWidth)
		} else {
			ns = append(ns, NoisePhoneFormat)
		}
	}
	return p, ns
}

// emailOf renders the e-mail as someone keyed it in by hand: a typo, or
// caps lock, each at typoOdds.
func (g *gen) emailOf(ns []string, typoOdds float64) (string, []string) {
	e := g.p.Email
	switch {
	case chance(g.r, typoOdds):
		return typoText(g.r, e), append(ns, NoiseTypoEmail)
	case chance(g.r, typoOdds):
		if chance(g.r, 0.5) {
			return strings.ToUpper(e), append(ns, NoiseEmailCase)
		}
		return strings.ToUpper(e[:1]) + e[1:], append(ns, NoiseEmailCase)
	}
	return e, ns
}

// nameOf renders the legal name as a clerk or a form captured it.
func (g *gen) nameOf(ns []string, typoOdds, pinyinOdds float64) (string, []string) {
	p := g.p
	switch {
	case chance(g.r, typoOdds):
		return typoName(g.r, p.Surname, p.GivenName), append(ns, NoiseTypoName)
	case chance(g.r, pinyinOdds):
		sur, given, _ := strings.Cut(p.Pinyin, " ")
		given = strings.ReplaceAll(given, " ", "")
		return strings.ToUpper(sur[:1]) + sur[1:] + " " + strings.ToUpper(given[:1]) + given[1:], append(ns, NoisePinyinName)
	}
	return p.Name, ns
}

// productProps are the Segment e-commerce spec properties of a line item.
// Single items reuse one map per product, since most product events are
// exactly that and their maps would otherwise dominate memory.
func (g *gen) productProps(pr *product, qty int) map[string]any {
	if qty == 1 {
		return g.libs.products[pr.id]
	}
	return newProductProps(pr, qty)
}

func newProductProps(pr *product, qty int) map[string]any {
	return map[string]any{"product_id": pr.id, "sku": pr.id, "name": pr.name, "category": pr.category,
		"price": pr.price, "quantity": qty, "currency": "CNY"}
}

// webCookie is one browser; its context is shared by all its events, and
// its ids are boxed once so events do not each allocate a copy.
type webCookie struct {
	id, user any
	ctx      map[string]any
}

// web simulates browser sessions. Each browser keeps one anonymousId; once
// someone logs in on it, analytics.js remembers the userId for later visits.
func (g *gen) web() {
	cookies := make([]webCookie, 1+min(3, count(g.r, 0.6)))
	for i := range cookies {
		cookies[i] = webCookie{id: randUUID(g.r, false), ctx: map[string]any{
			"library": g.libs.byChannel[chWeb], "userAgent": oneOf(g.r, userAgents), "locale": "zh-CN"}}
	}
	n := 1 + count(g.r, 2*g.p.activity)
	for _, t := range g.times(n, g.start, g.end, &onlineHours) {
		g.webSession(t, &cookies[g.r.IntN(len(cookies))])
	}
}

func (g *gen) webEvent(typ string, c *webCookie) Event {
	ev := Event{"type": typ, "context": c.ctx, "anonymousId": c.id}
	if c.user != nil {
		ev["userId"] = c.user
	}
	return ev
}

func (g *gen) webSession(t time.Time, c *webCookie) {
	p := g.p
	pages := 1 + min(20, count(g.r, 2.5))
	login := -1
	if p.UserID != "" && c.user == nil && chance(g.r, 0.3) {
		login = g.r.IntN(pages)
	}
	ref := oneOf(g.r, referrers)
	for i := range pages {
		if i == login {
			c.user = p.UserID
			ev := g.webEvent("identify", c)
			// Account data comes from the brand's user table, so it is clean.
			traits := map[string]any{}
			var ns []string
			if p.Email != "" && chance(g.r, 0.6) {
				traits["email"] = p.Email
			} else {
				traits["phone"], ns = g.phoneOf(ns, 0, 0)
			}
			if chance(g.r, 0.5) {
				traits["name"] = p.Name
			}
			ev["traits"] = traits
			g.emit(chWeb, t, ev, ns)
			t = t.Add(secs(2 + 5*g.r.Float64()))
		}
		var path, title string
		var pr *product
		if chance(g.r, 0.45) {
			pr = &catalog[g.r.IntN(len(catalog))]
			path, title = "/products/"+pr.id, pr.name+" - "+brandName
		} else {
			wp := oneOf(g.r, webPages)
			path, title = wp.path, wp.title
		}
		dwell := 1 + int(math.Exp(3+g.r.NormFloat64()))
		ev := g.webEvent("page", c)
		ev["name"] = title
		ev["properties"] = map[string]any{"url": brandSite + path, "path": path, "title": title,
			"referrer": ref, "dwell_seconds": dwell}
		g.emit(chWeb, t, ev, nil)
		if pr != nil && chance(g.r, 0.6) {
			ev := g.webEvent("track", c)
			ev["event"], ev["properties"] = "Product Viewed", g.productProps(pr, 1)
			g.emit(chWeb, t.Add(secs(1+g.r.Float64())), ev, nil)
		}
		if pr != nil && chance(g.r, 0.15) {
			ev := g.webEvent("track", c)
			ev["event"], ev["properties"] = "Product Added", g.productProps(pr, 1+count(g.r, 0.3))
			g.emit(chWeb, t.Add(secs(float64(dwell)*0.6+2)), ev, nil)
		}
		ref = brandSite + path
		t = t.Add(secs(float64(dwell) + 1 + 3*g.r.Float64()))
	}
}

// app simulates the brand app. Each install has its own anonymousId; the
// device id (IDFA/OAID) survives reinstalls and, for a resold handset, the
// change of owner, which is the trap NoiseReusedDevice marks.
func (g *gen) app() {
	p := g.p
	for di := range p.Devices {
		d := &p.Devices[di]
		lib := g.libs.android
		if d.Type == "ios" {
			lib = g.libs.ios
		}
		ctx := map[string]any{"library": lib,
			"device": map[string]any{"id": d.ID, "type": d.Type, "model": d.Model, "manufacturer": d.Manufacturer},
			"os":     map[string]any{"name": d.OS, "version": d.OSVersion},
			"app":    map[string]any{"name": brandName, "version": "5.8.1", "build": "5810", "namespace": "cn.qinghe.app"},
			"locale": "zh-CN", "timezone": "Asia/Shanghai"}
		a := appInstall{anon: randUUID(g.r, false), ctx: ctx}
		if d.SharedWith != "" {
			a.noise = []string{NoiseReusedDevice}
		}
		n := 1 + count(g.r, 2.5*p.activity)
		for si, t := range g.times(n, d.From, d.Until, &onlineHours) {
			g.appSession(t, &a, si == 0, d.Until)
		}
	}
}

// appInstall is one installation of the app; an SDK sends the same
// context on every call, so its events share one map.
type appInstall struct {
	anon, user any
	ctx        map[string]any
	noise      []string
}

func (g *gen) appEvent(typ string, a *appInstall) Event {
	ev := Event{"type": typ, "context": a.ctx, "anonymousId": a.anon}
	if a.user != nil {
		ev["userId"] = a.user
	}
	return ev
}

// appSession stops at until: a sold handset's last session must not run
// into the buyer's first, or the timing that separates them would lie.
func (g *gen) appSession(t time.Time, a *appInstall, first bool, until time.Time) {
	p := g.p
	emit := func(t time.Time, ev Event, ns []string) {
		if t.Before(until) {
			g.emit(chApp, t, ev, ns)
		}
	}
	ev := g.appEvent("track", a)
	ev["event"], ev["properties"] = "Application Opened", map[string]any{"from_background": chance(g.r, 0.4)}
	emit(t, ev, a.noise)
	odds := 0.25
	if first {
		odds = 0.6
	}
	if p.UserID != "" && a.user == nil && chance(g.r, odds) {
		// Apps log in by SMS code, so the phone is the login identifier.
		t = t.Add(secs(5 + 20*g.r.Float64()))
		a.user = p.UserID
		ev := g.appEvent("identify", a)
		ph, ns := g.phoneOf(append([]string(nil), a.noise...), 0, 0)
		ev["traits"] = map[string]any{"phone": ph}
		emit(t, ev, ns)
	}
	screens := 1 + min(20, count(g.r, 3))
	for range screens {
		t = t.Add(secs(3 + math.Exp(2.5+g.r.NormFloat64())))
		name := oneOf(g.r, appScreens)
		ev := g.appEvent("screen", a)
		ev["name"] = name
		emit(t, ev, a.noise)
		if name != "商品详情" {
			continue
		}
		pr := &catalog[g.r.IntN(len(catalog))]
		ev = g.appEvent("track", a)
		ev["event"], ev["properties"] = "Product Viewed", g.productProps(pr, 1)
		emit(t.Add(secs(0.5)), ev, a.noise)
		if chance(g.r, 0.2) {
			ev = g.appEvent("track", a)
			ev["event"], ev["properties"] = "Product Added", g.productProps(pr, 1)
			emit(t.Add(secs(2)), ev, a.noise)
		}
	}
}
