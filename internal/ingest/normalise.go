package ingest

import (
	"time"
)

// normaliser validates one event and writes its stored form.
type normaliser struct {
	now      time.Time
	lim      Limits
	shared   sharedFields
	writeKey string // last writeKey seen in an event body
}

// normalise validates ev and returns the event as Rivet stores it: the
// members as sent (in order), minus writeKey and receivedAt, with type,
// messageId, the identifiers and the timestamps set by the server, as Segment
// does. pathType is the call type of a single-event endpoint ("" for batch).
func (n *normaliser) normalise(ev *rawEvent, members []member, pathType string) (Event, *Error) {
	if ev.err != nil {
		return Event{}, ev.err
	}
	var out Event
	var err *Error
	if dup := duplicateName(members); dup != "" {
		return out, errorf(CodeMalformedJSON, "the member %s appears twice", dup)
	}
	var hasContext, hasIntegrations bool
	var timestamp, original, sentAt time.Time
	var hasTimestamp, hasOriginal bool
	var eventName, previousID, groupID string
	for _, m := range members {
		v := m.value
		switch m.name {
		case "":
			continue
		case "type":
			if v[0] != '"' {
				return out, errorf(CodeInvalidType, "type must be a string, not %s", kindName(v))
			}
			out.Type = stringValue(v)
		case "messageId":
			if out.MessageID, err = idValue("messageId", v, n.lim.MaxIDBytes); err != nil {
				return out, err
			}
		case "userId":
			if out.UserID, err = idValue("userId", v, n.lim.MaxIDBytes); err != nil {
				return out, err
			}
		case "anonymousId":
			if out.AnonymousID, err = idValue("anonymousId", v, n.lim.MaxIDBytes); err != nil {
				return out, err
			}
		case "previousId":
			if previousID, err = idValue("previousId", v, n.lim.MaxIDBytes); err != nil {
				return out, err
			}
		case "groupId":
			if groupID, err = idValue("groupId", v, n.lim.MaxIDBytes); err != nil {
				return out, err
			}
		case "event", "name":
			if v[0] != '"' && v[0] != 'n' {
				return out, errorf(CodeInvalidType, "%s must be a string, not %s", m.name, kindName(v))
			}
			if m.name == "event" {
				eventName = stringValue(v)
			}
		case "timestamp", "originalTimestamp", "sentAt":
			if v[0] == 'n' {
				continue
			}
			t, ok := parseTime(v)
			if !ok {
				return out, errorf(CodeInvalidTimestamp, "%s must be an ISO-8601 timestamp", m.name)
			}
			switch m.name {
			case "timestamp":
				timestamp, hasTimestamp = t, true
			case "originalTimestamp":
				original, hasOriginal = t, true
			default:
				sentAt = t
			}
		case "writeKey":
			n.writeKey = stringValue(v)
		case "traits", "properties", "context", "integrations":
			if v[0] != '{' && v[0] != 'n' {
				return out, errorf(CodeInvalidType, "%s must be an object, not %s", m.name, kindName(v))
			}
			hasContext = hasContext || (m.name == "context" && v[0] == '{')
			hasIntegrations = hasIntegrations || (m.name == "integrations" && v[0] == '{')
		}
	}
	if pathType != "" {
		out.Type = pathType
	}
	if !eventTypes[out.Type] {
		if out.Type == "" {
			return out, errorf(CodeInvalidEventType, "type is missing; it must be one of identify, track, page, screen, group, alias")
		}
		return out, errorf(CodeInvalidEventType, "type %q is not one of identify, track, page, screen, group, alias", out.Type)
	}
	if out.UserID == "" && out.AnonymousID == "" {
		return out, errorf(CodeMissingIdentity, "userId or anonymousId is required")
	}
	switch {
	case out.Type == "track" && eventName == "":
		return out, errorf(CodeMissingField, "a track call needs an event name")
	case out.Type == "alias" && previousID == "":
		return out, errorf(CodeMissingField, "an alias call needs previousId")
	case out.Type == "group" && groupID == "":
		return out, errorf(CodeMissingField, "a group call needs groupId")
	}
	generated := out.MessageID == ""
	if generated {
		out.MessageID = newMessageID()
	}

	// An explicit timestamp is the event time, kept as sent (historical
	// imports rely on it, as with Segment's and RudderStack's HTTP APIs).
	// Otherwise apply the clock-skew correction: the event happened
	// (sentAt - originalTimestamp) before the client sent it, so it happened
	// that long before we received it.
	received := n.now.UTC()
	if sentAt.IsZero() {
		sentAt = n.shared.sentAt
	}
	switch {
	case hasTimestamp:
		// Segment: originalTimestamp is "the timestamp value manually passed
		// in through server-side libraries" when the client sent none.
		if !hasOriginal {
			original, hasOriginal = timestamp, true
		}
	case hasOriginal && !sentAt.IsZero():
		timestamp = received.Add(-sentAt.Sub(original))
	case hasOriginal:
		timestamp = original
	default:
		timestamp = received
	}

	b := make([]byte, 0, len(ev.raw)+256)
	b = append(b, `{"type":`...)
	b = quote(b, out.Type)
	b = append(b, `,"messageId":`...)
	b = quote(b, out.MessageID)
	if out.UserID != "" {
		b = append(b, `,"userId":`...)
		b = quote(b, out.UserID)
	}
	if out.AnonymousID != "" {
		b = append(b, `,"anonymousId":`...)
		b = quote(b, out.AnonymousID)
	}
	b = appendTime(b, "timestamp", timestamp)
	if hasOriginal {
		b = appendTime(b, "originalTimestamp", original)
	}
	if !sentAt.IsZero() {
		b = appendTime(b, "sentAt", sentAt)
	}
	b = appendTime(b, "receivedAt", received)
	for _, m := range members {
		switch m.name {
		case "type", "messageId", "userId", "anonymousId", "timestamp", "originalTimestamp", "sentAt", "receivedAt", "writeKey":
			continue
		}
		b = append(b, ',')
		b = append(b, m.key...)
		b = append(b, ':')
		b = append(b, m.value...)
	}
	if !hasContext && n.shared.context != nil {
		b = append(b, `,"context":`...)
		b = append(b, n.shared.context...)
	}
	if !hasIntegrations && n.shared.integrations != nil {
		b = append(b, `,"integrations":`...)
		b = append(b, n.shared.integrations...)
	}
	b = append(b, '}')
	out.Body = b
	return out, nil
}

func appendTime(b []byte, name string, t time.Time) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':', '"')
	b = appendISO(b, t.UTC())
	return append(b, '"')
}

// appendISO writes t as 2006-01-02T15:04:05.000Z. Four timestamps per event
// make time.Format's generality measurable; years outside 0-9999 fall back to it.
func appendISO(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, timeFormat)
	}
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return b
}

// duplicateName returns a member name that appears twice, or "". Events have
// a handful of top-level members, so pairwise comparison beats a map.
func duplicateName(ms []member) string {
	if len(ms) > 64 {
		seen := make(map[string]bool, len(ms))
		for _, m := range ms {
			if seen[string(m.key)] {
				return string(m.key)
			}
			seen[string(m.key)] = true
		}
		return ""
	}
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			if string(ms[i].key) == string(ms[j].key) {
				return string(ms[i].key)
			}
		}
	}
	return ""
}
