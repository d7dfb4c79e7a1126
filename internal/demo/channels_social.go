package demo

import (
	"fmt"
	"strings"
)

const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// subscribeScenes are WeChat's subscribe_scene values for how a follow happened.
var subscribeScenes = []string{"ADD_SCENE_QR_CODE", "ADD_SCENE_SEARCH", "ADD_SCENE_PROFILE_CARD", "ADD_SCENE_ARTICLE", "ADD_SCENE_OTHERS"}

func (g *gen) wechat() {
	if g.p.followsOA {
		g.officialAccount()
	}
	if g.p.usesMini {
		g.miniProgram()
	}
}

// wxTraits are the identifiers the WeChat bridge knows for one app: always
// the app-scoped openid, the unionid only when the user authorised it.
func (g *gen) wxTraits(appID string, unionKnown bool) map[string]any {
	t := map[string]any{"wechat_openid": g.p.WeChatOpenIDs[appID], "wechat_appid": appID}
	if unionKnown {
		t["wechat_unionid"] = g.p.WeChatUnionID
	}
	return t
}

// wxApp is what every event from one person in one WeChat app shares.
type wxApp struct {
	openID any
	traits map[string]any
	ctx    map[string]any
}

func (g *gen) newWxApp(appID string, unionKnown bool) wxApp {
	t := g.wxTraits(appID, unionKnown)
	return wxApp{openID: g.p.WeChatOpenIDs[appID], traits: t, ctx: g.ctxWith(chWeChat, t)}
}

func (g *gen) wxTrack(a *wxApp, name string) Event {
	return Event{"type": "track", "event": name, "anonymousId": a.openID, "context": a.ctx}
}

// wxIdentify carries the app's identifiers plus extra traits.
func (g *gen) wxIdentify(a *wxApp, extra map[string]any) Event {
	for k, v := range a.traits {
		extra[k] = v
	}
	ev := g.base(chWeChat, "identify")
	ev["anonymousId"], ev["traits"] = a.openID, extra
	return ev
}

func (g *gen) nickname() string {
	switch g.r.IntN(4) {
	case 0:
		return "用户" + randDigits(g.r, 10) // the default name microblog assigns
	case 1:
		return "小" + string([]rune(g.p.GivenName)[0:1])
	case 2:
		return oneOf(g.r, englishNicks) + randDigits(g.r, g.r.IntN(4))
	}
	return oneOf(g.r, socialNicks)
}

// officialAccount simulates follower interactions with the brand's
// service account. Most followers followed before the period, so their
// first event here is not a Subscribe.
func (g *gen) officialAccount() {
	p := g.p
	a := g.newWxApp(WeChatOfficialAccountAppID, p.unionKnownOA)
	ts := g.times(2+count(g.r, 3*p.activity), g.start, g.end, &onlineHours)
	t0 := ts[0]
	if chance(g.r, 0.4) {
		ev := g.wxTrack(&a, "Subscribe")
		scene := oneOf(g.r, subscribeScenes)
		props := map[string]any{"subscribe_scene": scene}
		if scene == "ADD_SCENE_QR_CODE" {
			props["qr_scene"] = g.qrScene()
		}
		ev["properties"] = props
		g.emit(chWeChat, t0, ev, nil)
	}
	g.emit(chWeChat, t0.Add(secs(1)), g.wxIdentify(&a, map[string]any{"nickname": g.nickname()}), nil)
	last := t0
	for _, t := range ts[1:] {
		last = t
		var ev Event
		switch x := g.r.Float64(); {
		case x < 0.4:
			m := oneOf(g.r, wechatMenu)
			ev = g.wxTrack(&a, "Menu Click")
			ev["properties"] = map[string]any{"menu_key": m.key, "menu_name": m.name}
		case x < 0.8:
			ev = g.wxTrack(&a, "Message Received")
			ev["properties"] = map[string]any{"msg_type": "text", "content": oneOf(g.r, wechatMessages)}
		default:
			ev = g.wxTrack(&a, "Scan QR")
			ev["properties"] = map[string]any{"scene": g.qrScene()}
		}
		g.emit(chWeChat, t, ev, nil)
	}
	if chance(g.r, 0.06) {
		g.emit(chWeChat, last.Add(secs(3600*24*7*g.r.Float64())), g.wxTrack(&a, "Unsubscribe"), nil)
	}
}

// qrScene is either a store counter in the person's city or a campaign code.
func (g *gen) qrScene() string {
	if chance(g.r, 0.5) {
		return "store_" + storeAt(g.p.provIdx, g.p.cityIdx, g.r.IntN(storesPerCity)).id
	}
	return oneOf(g.r, qrScenes)
}

// miniProgram simulates the brand's WeChat shop. Authorising the phone
// number is the one place WeChat hands over a verified phone, tying the
// openid to it.
func (g *gen) miniProgram() {
	p := g.p
	a := g.newWxApp(WeChatMiniProgramAppID, p.unionKnownMP)
	ts := g.times(1+count(g.r, 2*p.activity), g.start, g.end, &onlineHours)
	authAt := -1
	if chance(g.r, 0.5) {
		authAt = g.r.IntN(len(ts))
	}
	for i, t := range ts {
		sc := oneOf(g.r, miniProgramScenes)
		ev := g.wxTrack(&a, "Mini Program Opened")
		ev["properties"] = map[string]any{"scene": sc.code, "scene_name": sc.name}
		g.emit(chWeChat, t, ev, nil)
		if i == authAt {
			phone, ns := g.phoneOf(nil, 0, 0)
			g.emit(chWeChat, t.Add(secs(4)), g.wxIdentify(&a, map[string]any{"phone": phone}), ns)
		}
		for k := range count(g.r, 1.5) {
			pr := &catalog[g.r.IntN(len(catalog))]
			ev := g.wxTrack(&a, "Product Viewed")
			ev["properties"] = g.productProps(pr, 1)
			g.emit(chWeChat, t.Add(secs(10+20*float64(k))), ev, nil)
		}
	}
}

// brandPostID is one of the brand's own microblog posts, the ones
// customers comment on and repost.
func (g *gen) brandPostID() string {
	return hashedID(g.seed, alnum, 9, "brand-post", itoa(g.r.IntN(30)))
}

// microblog simulates a person's public activity around the brand. Follows
// target other persons of the population (see followGraph), so the
// channel carries a social graph as well as identities.
func (g *gen) microblog() {
	p := g.p
	ctx := g.ctxWith(chMicroblog, map[string]any{"weibo_uid": p.WeiboUID})
	anon := "wb:" + p.WeiboUID
	mk := func(typ, name string) Event {
		ev := g.base(chMicroblog, typ)
		ev["anonymousId"] = anon
		if typ == "identify" {
			return ev
		}
		ev["context"] = ctx
		ev["event"] = name
		return ev
	}
	posts, comments, reposts := count(g.r, p.activity), count(g.r, 1.5*p.activity), count(g.r, 0.8*p.activity)
	ts := g.times(1+posts+comments+reposts+len(p.Follows), g.start, g.end, &onlineHours)
	gender := "f"
	if p.Gender == "male" {
		gender = "m"
	}
	ev := mk("identify", "")
	ev["traits"] = map[string]any{"weibo_uid": p.WeiboUID, "nickname": g.nickname(), "gender": gender,
		"location": provinces[p.provIdx].short + " " + strings.TrimSuffix(p.City, "市")}
	g.emit(chMicroblog, ts[0], ev, nil)
	kinds := make([]int, 0, len(ts)-1)
	for k, n := range []int{posts, comments, reposts, len(p.Follows)} {
		for range n {
			kinds = append(kinds, k)
		}
	}
	g.r.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	follow := 0
	for i, k := range kinds {
		t := ts[i+1]
		var ev Event
		switch k {
		case 0:
			ev = mk("track", "Post Created")
			pr := &catalog[g.r.IntN(len(catalog))]
			ev["properties"] = map[string]any{"post_id": randString(g.r, alnum, 9),
				"content": fmt.Sprintf(oneOf(g.r, microblogPosts), pr.name), "topic": "#青禾新品#"}
		case 1:
			ev = mk("track", "Comment")
			ev["properties"] = map[string]any{"post_id": g.brandPostID(), "comment_id": randDigits(g.r, 16),
				"content": oneOf(g.r, microblogComments)}
		case 2:
			ev = mk("track", "Repost")
			ev["properties"] = map[string]any{"post_id": g.brandPostID(), "repost_id": randString(g.r, alnum, 9),
				"content": oneOf(g.r, microblogReposts)}
		default:
			ev = mk("track", "Follow")
			ev["properties"] = map[string]any{"target_uid": p.Follows[follow]}
			follow++
		}
		g.emit(chMicroblog, t, ev, nil)
	}
}
