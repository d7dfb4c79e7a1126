package demo

import (
	"bufio"
	"encoding/json"
	"io"
)

// Noise labels. A record carries a label when the trap or distortion is
// present on that record, so an evaluator can break precision and recall
// down by trap.
const (
	NoiseTypoName      = "typo_name"        // a homophone character or a dropped character in the name
	NoisePartialName   = "partial_name"     // only surname plus 先生/女士, as call-centre agents note it
	NoisePinyinName    = "pinyin_name"      // name romanised instead of in characters
	NoiseTypoEmail     = "typo_email"       // transposed or dropped character in the e-mail local part
	NoiseEmailCase     = "email_case"       // e-mail in mixed or upper case
	NoisePhoneFormat   = "phone_format"     // spaces, dashes, +86, 0086 or a trunk 0 around a valid number
	NoiseFullWidth     = "fullwidth_digits" // phone typed with full-width digits (１３８…)
	NoiseTypoPhone     = "typo_phone"       // a dropped or swapped digit: the number is wrong, often invalid
	NoiseMaskedPhone   = "masked_phone"     // marketplace-masked number such as 138****8000
	NoiseSharedPhone   = "shared_phone"     // the phone is shared by two ground-truth persons of one family
	NoiseTestNumber    = "test_number"      // a cashier's placeholder number shared by unrelated strangers
	NoiseReusedDevice  = "reused_device"    // the device id belongs to a handset that changed owner
	NoiseSharedContact = "shared_contact"   // call-centre contact id keyed on a shared phone
	NoiseAnonymousOnly = "anonymous_only"   // the person never identifies anywhere
)

// Identifiers are the identity-bearing values present on one record, exactly
// as sent (raw, not normalised). They are read back from the event itself,
// so truth and payload cannot disagree.
type Identifiers struct {
	Phone         string `json:"phone,omitempty"`
	Email         string `json:"email,omitempty"`
	WeChatOpenID  string `json:"wechat_openid,omitempty"`
	WeChatAppID   string `json:"wechat_appid,omitempty"`
	WeChatUnionID string `json:"wechat_unionid,omitempty"`
	WeiboUID      string `json:"weibo_uid,omitempty"`
	MemberNo      string `json:"member_no,omitempty"`
	DeviceID      string `json:"device_id,omitempty"`
	UserID        string `json:"user_id,omitempty"`
	AnonymousID   string `json:"anonymous_id,omitempty"`
}

// TruthRecord says which person produced one event.
type TruthRecord struct {
	Channel     string      `json:"channel"`
	MessageID   string      `json:"messageId"`
	Person      string      `json:"person"`
	Identifiers Identifiers `json:"identifiers"`
	Noise       []string    `json:"noise,omitempty"`
}

// identifiersOf reads the identifiers from where the generators put them:
// userId/anonymousId at the top level, device id in context.device, and
// everything else in traits (identify calls) or context.traits (track,
// page and screen calls).
func identifiersOf(ev Event) Identifiers {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	id := Identifiers{UserID: str(ev, "userId"), AnonymousID: str(ev, "anonymousId")}
	ctx, _ := ev["context"].(map[string]any)
	traits, _ := ev["traits"].(map[string]any)
	if traits == nil && ctx != nil {
		traits, _ = ctx["traits"].(map[string]any)
	}
	if ctx != nil {
		if dev, ok := ctx["device"].(map[string]any); ok {
			id.DeviceID = str(dev, "id")
		}
	}
	if traits != nil {
		id.Phone = str(traits, "phone")
		id.Email = str(traits, "email")
		id.WeChatOpenID = str(traits, "wechat_openid")
		id.WeChatAppID = str(traits, "wechat_appid")
		id.WeChatUnionID = str(traits, "wechat_unionid")
		id.WeiboUID = str(traits, "weibo_uid")
		id.MemberNo = str(traits, "member_no")
	}
	return id
}

// WriteTruth writes the ground truth as JSON Lines, one TruthRecord per
// event, grouped by channel in Channels order and in event order within a
// channel:
//
//	{"channel":"pos","messageId":"3f0c…","person":"P000123",
//	 "identifiers":{"phone":"138 0013 8000","member_no":"M123456789","user_id":"M123456789"},
//	 "noise":["phone_format","shared_phone"]}
//
// channel is the source name; messageId matches the event's messageId;
// person is the ground-truth Person.ID. identifiers holds the identity
// values present on that record exactly as sent (keys: phone, email,
// wechat_openid, wechat_appid, wechat_unionid, weibo_uid, member_no,
// device_id, user_id, anonymous_id; absent when not on the record). noise
// lists the Noise* labels that apply to the record and is omitted when
// clean. Two records belong to the same person if and only if their person
// fields are equal.
func (p *Population) WriteTruth(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range p.Truth {
		if err := enc.Encode(&p.Truth[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
