package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// WeChat app ids of the fictional brand. An openid is scoped to one app id,
// so the same person has a different openid in each; only the unionid is
// shared between them.
const (
	WeChatOfficialAccountAppID = "wx8a1b2c3d4e5f6071"
	WeChatMiniProgramAppID     = "wx3f9e7d6c5b4a3921"
)

// Real openids of one app share their first characters, and unionids of one
// open-platform account share theirs; mimicking that keeps prefix-based
// sanity checks in the identity code honest.
const (
	officialOpenIDPrefix = "oQmXW5"
	miniOpenIDPrefix     = "o3Zt_5"
	unionIDPrefix        = "o6_bm"
)

// Person is one ground-truth human. Identifier fields are empty when the
// person never had that identifier (no WeChat, not a member, ...); the
// values are canonical, while events may carry them reformatted or garbled.
type Person struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Surname   string `json:"surname"`
	GivenName string `json:"given_name"`
	Pinyin    string `json:"pinyin"` // "zhang wei", one syllable per character
	Gender    string `json:"gender"` // "male" or "female"
	BirthYear int    `json:"birth_year"`
	Birthday  string `json:"birthday"` // YYYY-MM-DD
	Province  string `json:"province"`
	City      string `json:"city"`
	// Phone is 11 digits. When SharesPhoneWith is set, it is the family
	// member's number and both persons use it.
	Phone           string `json:"phone"`
	SharesPhoneWith string `json:"shares_phone_with,omitempty"`
	Email           string `json:"email,omitempty"`
	WeChatUnionID   string `json:"wechat_unionid,omitempty"`
	// WeChatOpenIDs maps a WeChat app id to this person's openid in it.
	WeChatOpenIDs map[string]string `json:"wechat_openids,omitempty"`
	WeiboUID      string            `json:"weibo_uid,omitempty"`
	MemberNo      string            `json:"member_no,omitempty"`
	UserID        string            `json:"user_id,omitempty"` // brand account id, web/app/own shop
	Devices       []Device          `json:"devices,omitempty"`
	// Channels lists the sources this person has events in, in Channels order.
	Channels []string `json:"channels"`
	// AnonymousOnly persons never log in or give an identifier anywhere.
	AnonymousOnly bool `json:"anonymous_only,omitempty"`
	// Follows holds the microblog uids this person follows.
	Follows []string `json:"follows,omitempty"`

	idx          int
	provIdx      int
	cityIdx      int
	chans        uint8
	activity     float64
	followsOA    bool
	usesMini     bool
	unionKnownOA bool
	unionKnownMP bool
}

// Device is a phone the person used during [From, Until). SharedWith names
// the other person who used the same handset (a second-hand sale).
type Device struct {
	ID           string    `json:"id"`
	Type         string    `json:"type"` // "ios" or "android"
	Manufacturer string    `json:"manufacturer"`
	Model        string    `json:"model"`
	OS           string    `json:"os"`
	OSVersion    string    `json:"os_version"`
	From         time.Time `json:"from"`
	Until        time.Time `json:"until"`
	SharedWith   string    `json:"shared_with,omitempty"`
}

func (p *Person) in(ch int) bool { return p.chans&(1<<ch) != 0 }

// channelOdds is the chance a typical person shows up in each channel,
// indexed like Channels; age shifts some of them in newPerson.
var channelOdds = [numChannels]float64{0.55, 0.40, 0.60, 0.25, 0.40, 0.50, 0.10}

// uniq hands out identifiers that must not collide by accident: a chance
// collision between two persons would be an undocumented trap in the truth.
type uniq map[string]struct{}

// take draws from gen until it gets an unused value; gen sees the attempt
// number so it can fall back to adding digits when its patterns run out.
func (u uniq) take(gen func(try int) string) string {
	for try := 0; ; try++ {
		s := gen(try)
		if _, dup := u[s]; !dup {
			u[s] = struct{}{}
			return s
		}
	}
}

func newPerson(r *rand.Rand, i int, seen uniq, start, end time.Time) Person {
	p := Person{ID: fmt.Sprintf("P%06d", i+1), idx: i}
	p.BirthYear = birthYear(r)
	bday := time.Date(p.BirthYear, 1, 1, 0, 0, 0, 0, cst).AddDate(0, 0, r.IntN(365))
	p.Birthday = bday.Format("2006-01-02")
	male := !chance(r, 0.62) // a beauty brand's customers skew female
	p.Gender = "female"
	if male {
		p.Gender = "male"
	}
	s := surnames[pick(r, len(surnames), func(i int) float64 { return surnames[i].weight })]
	names := givenMiddle
	switch {
	case p.BirthYear < 1975:
		names = givenOlder
	case p.BirthYear >= 1995:
		names = givenYounger
	}
	g := names[pick(r, len(names), func(i int) float64 {
		if names[i].male != male {
			return 0
		}
		return names[i].weight
	})]
	p.Surname, p.GivenName = s.han, g.han
	p.Name = s.han + g.han
	p.Pinyin = s.pinyin + " " + g.pinyin
	p.provIdx = pick(r, len(provinces), func(i int) float64 { return provinces[i].weight })
	pv := &provinces[p.provIdx]
	p.cityIdx = pick(r, len(pv.cities), func(i int) float64 { return pv.cities[i].weight })
	p.Province, p.City = pv.name, pv.cities[p.cityIdx].name
	p.Phone = seen.take(func(int) string { return randMobile(r) })
	if chance(r, 0.85) {
		p.Email = seen.take(func(try int) string {
			e := makeEmail(r, &p)
			if try > 3 { // zhangwei@163.com is long gone: zhangwei527@163.com
				at := strings.IndexByte(e, '@')
				e = e[:at] + randDigits(r, 3) + e[at:]
			}
			return e
		})
	}
	p.activity = math.Min(12, math.Exp(r.NormFloat64()*0.8))

	age := start.Year() - p.BirthYear
	if chance(r, 0.04) {
		p.AnonymousOnly = true
		p.chans = 1 << chWeb
		if chance(r, 0.3) {
			p.chans |= 1 << chApp
		}
	} else {
		for ch, odds := range channelOdds {
			switch {
			case ch == chMicroblog && age < 30, ch == chApp && age < 35:
				odds *= 1.6
			case ch == chMicroblog && age > 50, ch == chApp && age > 55:
				odds *= 0.35
			case ch == chPOS && age > 45, ch == chCallcenter && age > 50:
				odds *= 1.5
			}
			if chance(r, odds) {
				p.chans |= 1 << ch
			}
		}
		if p.chans == 0 {
			p.chans = 1 << pick(r, numChannels, func(i int) float64 { return channelOdds[i] })
		}
		if (p.in(chWeb) || p.in(chApp) || p.in(chEcommerce)) && chance(r, 0.85) {
			p.UserID = "usr_" + randString(r, "0123456789abcdefghijklmnopqrstuvwxyz", 12)
		}
		if p.in(chPOS) && chance(r, 0.7) || p.in(chEcommerce) && chance(r, 0.3) || p.in(chCallcenter) && chance(r, 0.5) {
			p.MemberNo = seen.take(func(int) string { return "M" + randDigits(r, 9) })
		}
	}
	if p.in(chWeChat) {
		p.followsOA, p.usesMini = chance(r, 0.8), chance(r, 0.6)
		if !p.followsOA && !p.usesMini {
			p.followsOA = true
		}
		p.WeChatUnionID = unionIDPrefix + randString(r, idChars, 23)
		p.WeChatOpenIDs = map[string]string{}
		if p.followsOA {
			p.WeChatOpenIDs[WeChatOfficialAccountAppID] = officialOpenIDPrefix + randString(r, idChars, 22)
			p.unionKnownOA = chance(r, 0.7)
		}
		if p.usesMini {
			p.WeChatOpenIDs[WeChatMiniProgramAppID] = miniOpenIDPrefix + randString(r, idChars, 22)
			p.unionKnownMP = chance(r, 0.8)
		}
	}
	if p.in(chMicroblog) {
		p.WeiboUID = seen.take(func(int) string { return itoa(1+r.IntN(7)) + randDigits(r, 9) })
	}
	if p.in(chApp) {
		p.Devices = []Device{newDevice(r, start, end)}
		if chance(r, 0.15) { // upgraded their phone during the period
			cut := start.Add(time.Duration(float64(end.Sub(start)) * (0.2 + 0.6*r.Float64())))
			p.Devices[0].Until = cut
			d := newDevice(r, cut, end)
			p.Devices = append(p.Devices, d)
		}
	}
	return p
}

func newDevice(r *rand.Rand, from, until time.Time) Device {
	m := deviceModels[pick(r, len(deviceModels), func(i int) float64 { return deviceModels[i].weight })]
	// iOS exposes an upper-case IDFA, Android an OAID/Android-style lower-case UUID.
	return Device{ID: randUUID(r, m.platform == "ios"), Type: m.platform, Manufacturer: m.manufacturer,
		Model: m.model, OS: m.os, OSVersion: m.osVersion, From: from, Until: until}
}

// birthYear skews to the 1980s–1990s cohorts that dominate online beauty spend.
func birthYear(r *rand.Rand) int {
	bands := [...]struct {
		from, to int
		w        float64
	}{{1958, 1969, 10}, {1970, 1979, 17}, {1980, 1989, 33}, {1990, 1999, 30}, {2000, 2006, 10}}
	b := bands[pick(r, len(bands), func(i int) float64 { return bands[i].w })]
	return b.from + r.IntN(b.to-b.from+1)
}

func makeEmail(r *rand.Rand, p *Person) string {
	d := emailDomains[pick(r, len(emailDomains), func(i int) float64 { return emailDomains[i].weight })].domain
	sur, given, _ := strings.Cut(p.Pinyin, " ")
	given = strings.ReplaceAll(given, " ", "")
	initials := ""
	for _, syl := range strings.Fields(p.Pinyin) {
		initials += syl[:1]
	}
	yy := itoa(p.BirthYear % 100)
	if len(yy) == 1 {
		yy = "0" + yy
	}
	if d == "qq.com" && chance(r, 0.7) { // most QQ mail addresses are the QQ number
		return itoa(10000+r.IntN(90000)) + randDigits(r, r.IntN(6)) + "@" + d
	}
	var local string
	switch r.IntN(7) {
	case 0:
		local = sur + given
	case 1:
		local = sur + given + itoa(p.BirthYear)
	case 2:
		local = given + "." + sur
	case 3:
		local = initials + yy + randDigits(r, 2)
	case 4:
		local = oneOf(r, englishNicks) + "_" + sur
	case 5:
		local = sur + given + randDigits(r, 3)
	default:
		local = sur + "_" + given + yy
	}
	return local + "@" + d
}

// makePeople draws every person from one sequential stream, then links the
// cross-person traps (families, second-hand phones, the follow graph),
// which need to see more than one person at a time.
func makePeople(cfg Config, start, end time.Time) []Person {
	r := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x70656f706c65))
	seen := uniq{}
	for _, t := range testNumbers {
		seen[t] = struct{}{}
	}
	people := make([]Person, cfg.People)
	for i := range people {
		people[i] = newPerson(r, i, seen, start, end)
	}
	linkFamilies(r, people)
	resellDevices(r, people, start, end)
	followGraph(r, people)
	for i := range people {
		p := &people[i]
		for ch := range numChannels {
			if p.in(ch) {
				p.Channels = append(p.Channels, channelNames[ch])
			}
		}
	}
	return people
}

// linkFamilies makes ~2.5% of persons share a phone with the person before
// them: a parent who uses a child's number, a couple on one line. They
// must never merge, so both get a phone-bearing channel to make the trap
// visible in the data.
func linkFamilies(r *rand.Rand, people []Person) {
	for i := 1; i < len(people); i++ {
		a, b := &people[i-1], &people[i]
		if a.SharesPhoneWith != "" || a.AnonymousOnly || b.AnonymousOnly || !chance(r, 0.025) {
			continue
		}
		b.Phone, b.Province, b.City, b.provIdx, b.cityIdx = a.Phone, a.Province, a.City, a.provIdx, a.cityIdx
		a.SharesPhoneWith, b.SharesPhoneWith = b.ID, a.ID
		if chance(r, 0.6) { // parent and child share the surname; spouses need not
			_, given, _ := strings.Cut(b.Pinyin, " ")
			sur, _, _ := strings.Cut(a.Pinyin, " ")
			b.Surname, b.Name, b.Pinyin = a.Surname, a.Surname+b.GivenName, sur+" "+given
		}
		// The borrower of the line has no brand account of their own.
		b.chans &^= 1<<chWeb | 1<<chApp
		b.UserID, b.Devices = "", nil
		a.chans |= 1 << chEcommerce
		b.chans |= 1 << chEcommerce
		if a.UserID == "" && chance(r, 0.5) {
			a.UserID = "usr_" + randString(r, "0123456789abcdefghijklmnopqrstuvwxyz", 12)
		}
	}
}

// resellDevices pairs app users so that one sells a handset to the other
// mid-period: the device id then points at two persons, in disjoint time
// windows, and only the timing tells them apart.
func resellDevices(r *rand.Rand, people []Person, start, end time.Time) {
	var cands []int
	for i := range people {
		if len(people[i].Devices) == 1 {
			cands = append(cands, i)
		}
	}
	pairs := len(cands) / 150
	if pairs == 0 && len(cands) >= 2 {
		pairs = 1
	}
	perm := r.Perm(len(cands))
	for k := range pairs {
		seller, buyer := &people[cands[perm[2*k]]], &people[cands[perm[2*k+1]]]
		cut := start.Add(time.Duration(float64(end.Sub(start)) * (0.35 + 0.3*r.Float64())))
		old := seller.Devices[0]
		seller.Devices[0].Until = cut
		seller.Devices[0].SharedWith = buyer.ID
		seller.Devices = append(seller.Devices, newDevice(r, cut, end))
		buyer.Devices[0].Until = cut
		old.From, old.Until, old.SharedWith = cut, end, seller.ID
		buyer.Devices = append(buyer.Devices, old)
	}
}

// followGraph grows the microblog follow graph by preferential attachment:
// each follow picks a target with probability proportional to its
// follower count, and a handful of influencers start with a head start,
// giving the heavy-tailed in-degree real social graphs have.
func followGraph(r *rand.Rand, people []Person) {
	var users []int
	for i := range people {
		if people[i].WeiboUID != "" {
			users = append(users, i)
		}
	}
	if len(users) < 2 {
		return
	}
	pool := make([]int, 0, len(users)*8)
	pool = append(pool, users...)
	for _, k := range r.Perm(len(users))[:max(1, len(users)/100)] {
		for range 200 {
			pool = append(pool, users[k])
		}
	}
	for _, u := range users {
		p := &people[u]
		want := min(len(users)-1, 1+count(r, 4*p.activity))
		got := map[int]bool{}
		for tries := 0; len(got) < want && tries < want*10; tries++ {
			t := pool[r.IntN(len(pool))]
			if t == u || got[t] {
				continue
			}
			got[t] = true
			p.Follows = append(p.Follows, people[t].WeiboUID)
			pool = append(pool, t)
		}
	}
}
