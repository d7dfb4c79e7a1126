package demo

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func has(noise []string, labels ...string) bool {
	for _, l := range labels {
		if slices.Contains(noise, l) {
			return true
		}
	}
	return false
}

// TestCollisionsAreLabelled checks the truth is exact: whenever one
// identifier value points at two persons, the records carry the label of the
// trap that explains it. An unexplained collision would make a correct
// merge look like an error. One person may be unlabelled: the rightful owner
// of a value that someone else's typo happened to produce.
func TestCollisionsAreLabelled(t *testing.T) {
	p := population(t, 1000, 1)
	type key struct{ kind, value string }
	owners := map[key]map[string]bool{}
	recs := map[key][]TruthRecord{}
	add := func(kind, v string, tr TruthRecord) {
		if v == "" {
			return
		}
		k := key{kind, v}
		if owners[k] == nil {
			owners[k] = map[string]bool{}
		}
		owners[k][tr.Person] = true
		recs[k] = append(recs[k], tr)
	}
	for _, tr := range p.Truth {
		id := tr.Identifiers
		add("phone", normalizePhone(id.Phone), tr)
		add("email", strings.ToLower(id.Email), tr)
		add("openid", id.WeChatOpenID, tr)
		add("unionid", id.WeChatUnionID, tr)
		add("weibo", id.WeiboUID, tr)
		add("member", id.MemberNo, tr)
		add("device", id.DeviceID, tr)
		add("user", id.UserID, tr)
		add("anon", id.AnonymousID, tr)
	}
	explains := map[string][]string{
		"phone":  {NoiseSharedPhone, NoiseTestNumber, NoiseTypoPhone, NoiseMaskedPhone},
		"email":  {NoiseTypoEmail},
		"device": {NoiseReusedDevice},
		"anon":   {NoiseSharedContact},
	}
	found := map[string]int{}
	for k, who := range owners {
		if len(who) < 2 {
			continue
		}
		unlabelled := map[string]bool{}
		for _, tr := range recs[k] {
			if !has(tr.Noise, explains[k.kind]...) {
				unlabelled[tr.Person] = true
			}
		}
		if len(unlabelled) > 1 {
			t.Fatalf("%s %q belongs to %d persons, %d of them on unlabelled records", k.kind, k.value, len(who), len(unlabelled))
		}
		found[k.kind]++
	}
	// The traps the brief asks for must be present at N=1000.
	for _, kind := range []string{"phone", "device"} {
		if found[kind] == 0 {
			t.Errorf("no %s shared between persons at N=1000", kind)
		}
	}
}

func TestTrapsPresent(t *testing.T) {
	p := population(t, 1000, 1)
	byID := map[string]*Person{}
	for i := range p.People {
		byID[p.People[i].ID] = &p.People[i]
	}
	testNumberPersons := map[string]map[string]bool{}
	sharedPhonePersons := map[string]map[string]bool{}
	labels := map[string]int{}
	for _, tr := range p.Truth {
		for _, l := range tr.Noise {
			labels[l]++
		}
		ph := normalizePhone(tr.Identifiers.Phone)
		for _, c := range []struct {
			label string
			into  map[string]map[string]bool
		}{{NoiseTestNumber, testNumberPersons}, {NoiseSharedPhone, sharedPhonePersons}} {
			if has(tr.Noise, c.label) && !has(tr.Noise, NoiseTypoPhone, NoiseMaskedPhone) {
				if c.into[ph] == nil {
					c.into[ph] = map[string]bool{}
				}
				c.into[ph][tr.Person] = true
			}
		}
		if has(tr.Noise, NoiseAnonymousOnly) {
			id := tr.Identifiers
			if id.UserID != "" || id.Phone != "" || id.Email != "" || id.MemberNo != "" {
				t.Fatalf("anonymous-only record %s carries identifiers %+v", tr.MessageID, id)
			}
		}
	}
	for _, l := range []string{NoiseTypoName, NoiseTypoEmail, NoisePhoneFormat, NoiseFullWidth, NoiseTypoPhone,
		NoiseMaskedPhone, NoiseSharedPhone, NoiseTestNumber, NoiseReusedDevice, NoiseAnonymousOnly, NoisePartialName} {
		if labels[l] == 0 {
			t.Errorf("no record labelled %s at N=1000", l)
		}
	}
	maxStrangers := 0
	for ph, who := range testNumberPersons {
		if !slices.Contains(testNumbers, ph) {
			t.Errorf("test_number label on %s", ph)
		}
		maxStrangers = max(maxStrangers, len(who))
	}
	if maxStrangers < 3 {
		t.Errorf("test numbers used by at most %d persons, want several unrelated people", maxStrangers)
	}
	families := 0
	for ph, who := range sharedPhonePersons {
		for id := range who {
			ps := byID[id]
			if ps.Phone != ph || ps.SharesPhoneWith == "" || byID[ps.SharesPhoneWith].Phone != ph {
				t.Errorf("%s labelled shared_phone on %s but its family link is wrong", id, ph)
			}
		}
		if len(who) == 2 {
			families++
		}
	}
	if families == 0 {
		t.Error("no family phone seen on records of both of its persons")
	}
}

// TestResoldDeviceWindowsDisjoint checks the second-hand phone trap can be
// resolved the way a careful pipeline would: by time. Each owner's events on
// the shared handset fall in a window that does not overlap the other's.
func TestResoldDeviceWindowsDisjoint(t *testing.T) {
	p := population(t, 1000, 1)
	type window struct{ from, to time.Time }
	windows := map[string]map[string]*window{} // device -> person -> window
	byID := map[string]string{}
	for _, ch := range Channels {
		for _, ev := range p.Events[ch] {
			byID[ev["messageId"].(string)] = ev["timestamp"].(string)
		}
	}
	for _, tr := range p.Truth {
		if !has(tr.Noise, NoiseReusedDevice) {
			continue
		}
		ts, err := time.Parse(time.RFC3339Nano, byID[tr.MessageID])
		if err != nil {
			t.Fatal(err)
		}
		d := tr.Identifiers.DeviceID
		if windows[d] == nil {
			windows[d] = map[string]*window{}
		}
		w := windows[d][tr.Person]
		if w == nil {
			windows[d][tr.Person] = &window{ts, ts}
			continue
		}
		if ts.Before(w.from) {
			w.from = ts
		}
		if ts.After(w.to) {
			w.to = ts
		}
	}
	if len(windows) == 0 {
		t.Fatal("no resold device at N=1000")
	}
	for d, owners := range windows {
		var ws []*window
		for _, w := range owners {
			ws = append(ws, w)
		}
		if len(ws) > 2 {
			t.Fatalf("device %s has %d owners", d, len(ws))
		}
		if len(ws) == 2 && ws[0].from.Before(ws[1].to) && ws[1].from.Before(ws[0].to) {
			t.Errorf("device %s: owners' windows overlap: %v–%v and %v–%v", d, ws[0].from, ws[0].to, ws[1].from, ws[1].to)
		}
	}
}
