package demo

import (
	"fmt"
	"math"
	"strings"
	"time"
)

type store struct{ id, name string }

// storeAt names the k-th store in a city. Consecutive mall indexes keep a
// city's stores in distinct malls.
func storeAt(pi, ci, k int) store {
	c := provinces[pi].cities[ci].name
	m := malls[(pi*7+ci*3+k)%len(malls)]
	return store{id: fmt.Sprintf("S%02d%02d%d", pi, ci, k), name: brandName + " " + strings.TrimSuffix(c, "市") + m + "店"}
}

// basket draws 1–4 line items and returns them with their total.
func (g *gen) basket() ([]any, float64) {
	n := 1 + min(3, count(g.r, 0.7))
	items := make([]any, n)
	total := 0.0
	for i := range items {
		pr := &catalog[g.r.IntN(len(catalog))]
		q := 1 + count(g.r, 0.25)
		items[i] = g.productProps(pr, q)
		total += pr.price * float64(q)
	}
	return items, total
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// ecommerce simulates orders from the brand's own mall and from
// marketplaces. Marketplaces identify buyers by their own scoped ids and
// often mask the receiver's phone, so they link poorly to the rest.
func (g *gen) ecommerce() {
	p := g.p
	weight := func(i int) float64 {
		if shopPlatforms[i].key == "own" && p.UserID == "" {
			return 0
		}
		return shopPlatforms[i].weight
	}
	home := pick(g.r, len(shopPlatforms), weight)
	introduced := map[string]bool{}
	for _, t := range g.times(1+count(g.r, 1.2*p.activity), g.start, g.end, &onlineHours) {
		pl := &shopPlatforms[home]
		if chance(g.r, 0.25) {
			pl = &shopPlatforms[pick(g.r, len(shopPlatforms), weight)]
		}
		buyer := p.UserID
		if pl.key != "own" {
			buyer = pl.key + "_" + hashedID(g.seed, "0123456789abcdefghijklmnopqrstuvwxyz", 12, pl.key, p.ID)
		}
		mk := func(typ string) Event {
			ev := g.base(chEcommerce, typ)
			ev["userId"] = buyer
			return ev
		}
		if !introduced[pl.key] {
			introduced[pl.key] = true
			traits := map[string]any{"platform": pl.name,
				"address": map[string]any{"province": p.Province, "city": p.City, "country": "中国"}}
			var ns []string
			traits["name"], ns = g.nameOf(ns, 0.03, 0.02)
			traits["phone"], ns = g.phoneOf(ns, 0.1, 0.01, styleSpaced, styleDashed, stylePlus86, styleFullWidth)
			if pl.key == "own" && p.Email != "" && chance(g.r, 0.5) {
				traits["email"], ns = g.emailOf(ns, 0.03)
			}
			ev := mk("identify")
			ev["traits"] = traits
			g.emit(chEcommerce, t, ev, ns)
			t = t.Add(secs(30 + 300*g.r.Float64()))
		}
		items, total := g.basket()
		shipping := 0.0
		if total < 99 {
			shipping = 8
		}
		discount := 0.0
		coupon := ""
		if chance(g.r, 0.35) {
			discount, coupon = math.Floor(total*0.1), "QH"+randDigits(g.r, 6)
		}
		orderID := g.orderID(pl.key, t)
		var ns []string
		phone, ns := g.phoneOf(ns, 0.1, 0.01, styleSpaced, styleDashed, stylePlus86)
		if pl.masks && chance(g.r, 0.5) && len(phone) == 11 {
			phone, ns = maskPhone(phone), append(ns, NoiseMaskedPhone)
		}
		ev := mk("track")
		ev["event"] = "Order Completed"
		ev["context"] = g.ctxWith(chEcommerce, map[string]any{"phone": phone})
		props := map[string]any{"order_id": orderID, "platform": pl.name, "total": round2(total + shipping - discount),
			"revenue": round2(total - discount), "shipping": shipping, "discount": discount,
			"currency": "CNY", "products": items}
		if coupon != "" {
			props["coupon"] = coupon
		}
		ev["properties"] = props
		g.emit(chEcommerce, t, ev, ns)
		if chance(g.r, 0.08) {
			ev := mk("track")
			ev["event"] = "Order Refunded"
			ev["properties"] = map[string]any{"order_id": orderID, "platform": pl.name,
				"total": round2(total + shipping - discount), "currency": "CNY", "reason": oneOf(g.r, refundReasons)}
			g.emit(chEcommerce, t.Add(secs(86400*(2+13*g.r.Float64()))), ev, nil)
		}
	}
}

// orderID follows each platform's visible format (length and leading digits).
func (g *gen) orderID(platform string, t time.Time) string {
	switch platform {
	case "tmall":
		return "2" + randDigits(g.r, 18)
	case "jd":
		return "3" + randDigits(g.r, 11)
	case "douyin":
		return "69" + randDigits(g.r, 17)
	}
	return "QH" + t.In(cst).Format("20060102") + randDigits(g.r, 8)
}

// pos simulates till receipts. Members show a card (or give the number);
// everyone else is an anonymous receipt, sometimes with the cashier's
// placeholder phone typed in to unlock a discount.
func (g *gen) pos() {
	p := g.p
	profiled := false
	for _, t := range g.times(1+count(g.r, 1.5*p.activity), g.start, g.end, &storeHours) {
		pi, ci := p.provIdx, p.cityIdx
		if chance(g.r, 0.12) { // shopping while travelling
			pi = g.r.IntN(len(provinces))
			ci = g.r.IntN(len(provinces[pi].cities))
		}
		st := storeAt(pi, ci, g.r.IntN(storesPerCity))
		// Ten random digits keep receipts of different people apart: a
		// chance collision would be an unlabelled shared anonymousId.
		receipt := "R" + st.id + t.In(cst).Format("060102") + randDigits(g.r, 10)
		ev := g.base(chPOS, "track")
		traits := map[string]any{}
		var ns []string
		memberPrice := false
		if p.MemberNo != "" && chance(g.r, 0.85) {
			memberPrice = true
			ev["userId"] = p.MemberNo
			traits["member_no"] = p.MemberNo
			if chance(g.r, 0.3) {
				traits["phone"], ns = g.phoneOf(ns, 0.15, 0.02, styleSpaced, styleDashed, styleFullWidth)
			}
			if !profiled {
				profiled = true
				id := g.base(chPOS, "identify")
				id["userId"] = p.MemberNo
				it := map[string]any{"member_no": p.MemberNo, "gender": p.Gender, "birthday": p.Birthday, "city": p.City}
				var ins []string
				it["name"], ins = g.nameOf(ins, 0.05, 0)
				it["phone"], ins = g.phoneOf(ins, 0.15, 0.02, styleSpaced, styleDashed, styleFullWidth)
				if p.Email != "" && chance(g.r, 0.3) { // written on a paper form, then keyed in
					it["email"], ins = g.emailOf(ins, 0.08)
				}
				id["traits"] = it
				g.emit(chPOS, t.Add(-secs(60)), id, ins)
			}
		} else {
			ev["anonymousId"] = "pos:" + receipt
			switch x := g.r.Float64(); {
			case x < 0.25:
				traits["phone"] = oneOf(g.r, testNumbers)
				ns = append(ns, NoiseTestNumber)
				memberPrice = true
			case x < 0.35:
				traits["phone"], ns = g.phoneOf(ns, 0.15, 0.02, styleSpaced, styleDashed, styleFullWidth)
			}
		}
		if len(traits) > 0 {
			ev["context"] = g.ctxWith(chPOS, traits)
		}
		items, total := g.basket()
		discount := 0.0
		if memberPrice { // which is why cashiers type a placeholder number
			discount = math.Floor(total * 0.05)
		}
		ev["event"] = "Store Purchase"
		ev["properties"] = map[string]any{"store_id": st.id, "store_name": st.name, "receipt_no": receipt,
			"revenue": round2(total - discount), "discount": discount, "currency": "CNY",
			"payment_method": oneOf(g.r, paymentMethods), "products": items}
		g.emit(chPOS, t, ev, ns)
	}
}

// callcenter simulates tickets in the service CRM. The CRM keys contacts
// on the caller's number, so its contact id is a hash of the normalised
// phone: family members calling from one line share a contact.
func (g *gen) callcenter() {
	p := g.p
	contact := "C" + hashedID(g.seed, "0123456789", 12, "contact", p.Phone)
	var base []string
	if p.SharesPhoneWith != "" {
		base = []string{NoiseSharedContact}
	}
	for i, t := range g.times(1+min(4, count(g.r, 0.5*p.activity)), g.start, g.end, &officeHours) {
		traits := map[string]any{}
		ns := append([]string(nil), base...)
		traits["phone"], ns = g.phoneOf(ns, 0.5, 0.01, style0086, stylePlusTight, styleTrunk0, styleSpaced)
		if p.MemberNo != "" && chance(g.r, 0.4) {
			traits["member_no"] = p.MemberNo
		}
		if chance(g.r, 0.6) {
			title := "女士"
			if p.Gender == "male" {
				title = "先生"
			}
			traits["name"], ns = p.Surname+title, append(ns, NoisePartialName)
		} else {
			traits["name"], ns = g.nameOf(ns, 0.08, 0)
		}
		if i == 0 {
			ev := g.base(chCallcenter, "identify")
			ev["anonymousId"] = contact
			ev["traits"] = traits
			g.emit(chCallcenter, t, ev, ns)
			t = t.Add(secs(20))
		}
		ticket := "T" + t.In(cst).Format("20060102") + randDigits(g.r, 6)
		ctx := g.ctxWith(chCallcenter, traits)
		ev := g.base(chCallcenter, "track")
		ev["anonymousId"] = contact
		ev["event"] = "Ticket Created"
		ev["context"] = ctx
		ev["properties"] = map[string]any{"ticket_id": ticket, "category": oneOf(g.r, callCategories),
			"source":      oneOf(g.r, []string{"热线电话", "热线电话", "在线客服", "微信客服"}),
			"description": oneOf(g.r, callDescriptions), "priority": oneOf(g.r, []string{"低", "中", "中", "高"})}
		g.emit(chCallcenter, t, ev, ns)
		ev = g.base(chCallcenter, "track")
		ev["anonymousId"] = contact
		ev["event"] = "Ticket Resolved"
		ev["context"] = ctx
		ev["properties"] = map[string]any{"ticket_id": ticket, "resolution": oneOf(g.r, callResolutions),
			"satisfaction": 3 + g.r.IntN(3)}
		g.emit(chCallcenter, t.Add(secs(600+3*86400*g.r.Float64())), ev, ns)
	}
}
