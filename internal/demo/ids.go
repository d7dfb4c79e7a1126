package demo

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// cst is fixed rather than loaded from tzdata so output does not depend on
// the host's zoneinfo; mainland China has had no DST since 1991.
var cst = time.FixedZone("CST", 8*3600)

// tsLayout is ISO-8601 with milliseconds, the form Segment libraries send.
const tsLayout = "2006-01-02T15:04:05.000Z07:00"

func stamp(t time.Time) string { return t.In(cst).Format(tsLayout) }

// pick returns the index chosen with probability proportional to w(i).
func pick(r *rand.Rand, n int, w func(int) float64) int {
	total := 0.0
	for i := range n {
		total += w(i)
	}
	x := r.Float64() * total
	for i := range n {
		x -= w(i)
		if x < 0 {
			return i
		}
	}
	return n - 1
}

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// count draws a long-tailed non-negative count with the given mean; the
// exponential gives many light users and a few heavy ones, as real
// engagement data has.
func count(r *rand.Rand, mean float64) int {
	return int(math.Floor(r.ExpFloat64() * mean))
}

// mix64 is SplitMix64's finaliser; it turns counters into well-spread bits so
// that ids derived from (seed, counter) look random yet are reproducible.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

const hexLower = "0123456789abcdef"
const hexUpper = "0123456789ABCDEF"

// uuidFrom formats 128 bits as an RFC 4122 version-4 UUID.
func uuidFrom(hi, lo uint64, upper bool) string {
	hi = hi&^(0xf<<12) | 0x4<<12
	lo = lo&^(0x3<<62) | 0x2<<62
	digits := hexLower
	if upper {
		digits = hexUpper
	}
	var b [36]byte
	j := 0
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			b[j] = '-'
			j++
		}
		var nib uint64
		if i < 16 {
			nib = hi >> (60 - 4*uint(i)) & 0xf
		} else {
			nib = lo >> (60 - 4*uint(i-16)) & 0xf
		}
		b[j] = digits[nib]
		j++
	}
	return string(b[:])
}

func randUUID(r *rand.Rand, upper bool) string { return uuidFrom(r.Uint64(), r.Uint64(), upper) }

// idChars is the alphabet WeChat openids and unionids are drawn from.
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func randString(r *rand.Rand, alphabet string, n int) string {
	var sb strings.Builder
	sb.Grow(n)
	for range n {
		sb.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return sb.String()
}

func randDigits(r *rand.Rand, n int) string { return randString(r, "0123456789", n) }

// hashedID derives a stable identifier from a seed and parts without any
// shared state, so parallel workers agree on, e.g., a call-centre contact
// id for a phone number.
func hashedID(seed int64, alphabet string, n int, parts ...string) string {
	h := uint64(seed) ^ 0xcbf29ce484222325
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h = (h ^ uint64(p[i])) * 0x100000001b3
		}
		h = mix64(h ^ 0xff)
	}
	b := make([]byte, n)
	for i := range b {
		h = mix64(h + uint64(i))
		b[i] = alphabet[h%uint64(len(alphabet))]
	}
	return string(b)
}

// mobilePrefixes are the three-digit prefixes allocated to China Mobile,
// Unicom, Telecom and Broadnet, weighted toward the older, fuller blocks.
var mobilePrefixes = []struct {
	prefix string
	weight float64
}{
	{"130", 4}, {"131", 4}, {"132", 4}, {"133", 4}, {"134", 4}, {"135", 5}, {"136", 5},
	{"137", 5}, {"138", 6}, {"139", 6}, {"145", 1}, {"147", 1}, {"149", 0.5}, {"150", 4},
	{"151", 4}, {"152", 3}, {"153", 3}, {"155", 3}, {"156", 3}, {"157", 3}, {"158", 4},
	{"159", 4}, {"166", 1}, {"167", 0.5}, {"170", 0.5}, {"171", 0.5}, {"172", 1}, {"173", 2},
	{"175", 1}, {"176", 2}, {"177", 2}, {"178", 2}, {"180", 3}, {"181", 3}, {"182", 3},
	{"183", 3}, {"184", 1}, {"185", 3}, {"186", 4}, {"187", 4}, {"188", 4}, {"189", 4},
	{"190", 0.5}, {"191", 1}, {"193", 1}, {"195", 1}, {"198", 2}, {"199", 2},
}

// testNumbers are what cashiers type when a customer will not give a phone
// but the till insists on one; they are valid-looking and shared by
// strangers, the classic over-merge trap.
var testNumbers = []string{"13800138000", "13800000000", "13888888888"}

func randMobile(r *rand.Rand) string {
	i := pick(r, len(mobilePrefixes), func(i int) float64 { return mobilePrefixes[i].weight })
	return mobilePrefixes[i].prefix + randDigits(r, 8)
}

// phoneStyle is how a system or a person happened to write a number down.
type phoneStyle int

const (
	stylePlain     phoneStyle = iota // 13800138000
	styleSpaced                      // 138 0013 8000
	styleDashed                      // 138-0013-8000
	stylePlus86                      // +86 138-0013-8000
	stylePlusTight                   // +8613800138000
	style0086                        // 008613800138000, caller id via an international trunk
	styleTrunk0                      // 013800138000, dialled from another city
	styleFullWidth                   // １３８００１３８０００, typed with a Chinese IME
)

func formatPhone(p string, s phoneStyle) string {
	if len(p) != 11 {
		return p
	}
	switch s {
	case styleSpaced:
		return p[:3] + " " + p[3:7] + " " + p[7:]
	case styleDashed:
		return p[:3] + "-" + p[3:7] + "-" + p[7:]
	case stylePlus86:
		return "+86 " + p[:3] + "-" + p[3:7] + "-" + p[7:]
	case stylePlusTight:
		return "+86" + p
	case style0086:
		return "0086" + p
	case styleTrunk0:
		return "0" + p
	case styleFullWidth:
		var sb strings.Builder
		for _, c := range p {
			sb.WriteRune(c - '0' + '０')
		}
		return sb.String()
	}
	return p
}

// typoPhone drops or swaps a digit, the two slips people make when reading a
// number aloud to a clerk.
func typoPhone(r *rand.Rand, p string) string {
	b := []byte(p)
	i := 3 + r.IntN(len(b)-4)
	if chance(r, 0.5) {
		return string(append(b[:i:i], b[i+1:]...))
	}
	if b[i] == b[i+1] {
		b[i+1] = '0' + (b[i+1]-'0'+1)%10
	} else {
		b[i], b[i+1] = b[i+1], b[i]
	}
	return string(b)
}

// maskPhone is how Tmall, JD and Douyin hand a receiver's number to brands.
func maskPhone(p string) string {
	if len(p) != 11 {
		return p
	}
	return p[:3] + "****" + p[7:]
}

// typoText swaps two adjacent bytes or drops one, within the local part of an
// e-mail address when there is one, so the domain stays recognisable.
func typoText(r *rand.Rand, s string) string {
	end := len(s)
	if at := strings.IndexByte(s, '@'); at >= 0 {
		end = at
	}
	if end < 3 {
		return s + "0"
	}
	b := []byte(s)
	i := r.IntN(end - 1)
	if chance(r, 0.5) && b[i] != b[i+1] {
		b[i], b[i+1] = b[i+1], b[i]
		return string(b)
	}
	return string(append(b[:i:i], b[i+1:]...))
}

// typoName replaces one given-name character with a homophone, or drops the
// last character of a two-character given name.
func typoName(r *rand.Rand, surname, given string) string {
	runes := []rune(given)
	for _, i := range r.Perm(len(runes)) {
		for _, g := range homophones {
			if !strings.ContainsRune(g, runes[i]) {
				continue
			}
			alts := []rune(g)
			for {
				alt := alts[r.IntN(len(alts))]
				if alt != runes[i] {
					runes[i] = alt
					return surname + string(runes)
				}
			}
		}
	}
	if len(runes) > 1 {
		return surname + string(runes[:len(runes)-1])
	}
	return surname + given + given
}

func itoa(i int) string { return strconv.Itoa(i) }
