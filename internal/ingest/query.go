package ingest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/rivetcdp/rivet/internal/eventlog"
	"github.com/rivetcdp/rivet/internal/store"
)

// Reader lists what the log holds, newest first, through the store's indexes.
type Reader struct {
	Log *eventlog.Log
	DB  *store.DB
}

// Listed is one record as the API shows it.
type Listed struct {
	Offset     int64           `json:"offset"`
	Source     string          `json:"source_id"`
	Partition  int             `json:"partition"`
	ReceivedAt time.Time       `json:"received_at"`
	Event      json.RawMessage `json:"event,omitempty"`
	Quarantine json.RawMessage `json:"quarantine,omitempty"`
}

// Page is a page of records and the cursor of the next (older) page.
type Page struct {
	Items      []Listed `json:"items"`
	NextCursor string   `json:"next_cursor,omitempty"`
}

// ErrBadCursor is returned for a cursor this API did not issue.
var ErrBadCursor = fmt.Errorf("invalid cursor")

// BySource lists a source's events. Its index keys each hold the offsets of
// one indexing round, and rounds never interleave, so a page walks keys
// backwards and each key's offsets backwards.
func (r *Reader) BySource(srcID, cursor string, limit int) (Page, error) {
	prefix := store.SourceEventsPrefix(srcID)
	below, from, err := parseCursor(prefix, cursor)
	if err != nil {
		return Page{}, err
	}
	var offs []int64
	more := false
	var ierr error
	err = r.DB.Iterate(prefix, from, true, func(k, v []byte) bool {
		round, err := decodeOffsets(store.OffsetSuffix(k), v)
		if err != nil {
			ierr = err
			return false
		}
		for i := len(round) - 1; i >= 0; i-- {
			if below > 0 && round[i] >= below {
				continue
			}
			if len(offs) == limit {
				more = true
				return false
			}
			offs = append(offs, round[i])
		}
		return true
	})
	if err == nil {
		err = ierr
	}
	if err != nil {
		return Page{}, err
	}
	return r.page(offs, more)
}

// parseCursor turns a cursor (the offset of the last item shown) into the
// bound below which to continue and the key to start iterating from.
func parseCursor(prefix []byte, cursor string) (int64, []byte, error) {
	if cursor == "" {
		return 0, nil, nil
	}
	off, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || off <= 0 {
		return 0, nil, ErrBadCursor
	}
	return off, store.OffsetKey(prefix, off-1), nil
}

// Quarantined lists a source's quarantined input.
func (r *Reader) Quarantined(srcID, cursor string, limit int) (Page, error) {
	return r.list(store.QuarantinePrefix(srcID), cursor, limit)
}

// ByIdentifier lists a workspace's events carrying a userId (typ 'u') or anonymousId (typ 'a').
func (r *Reader) ByIdentifier(wsID string, typ byte, id, cursor string, limit int) (Page, error) {
	return r.list(store.IdentEventsPrefix(wsID, typ, id), cursor, limit)
}

func (r *Reader) list(prefix []byte, cursor string, limit int) (Page, error) {
	_, from, err := parseCursor(prefix, cursor)
	if err != nil {
		return Page{}, err
	}
	var offs []int64
	more := false
	err = r.DB.Iterate(prefix, from, true, func(k, _ []byte) bool {
		if len(offs) == limit {
			more = true
			return false
		}
		offs = append(offs, store.OffsetSuffix(k))
		return true
	})
	if err != nil {
		return Page{}, err
	}
	return r.page(offs, more)
}

// page reads the records at offs from the log.
func (r *Reader) page(offs []int64, more bool) (Page, error) {
	page := Page{Items: make([]Listed, 0, len(offs))}
	for _, off := range offs {
		payload, err := r.Log.ReadAt(off)
		if err != nil {
			return Page{}, fmt.Errorf("read event at %d: %w", off, err)
		}
		rec, err := eventlog.Decode(payload)
		if err != nil {
			return Page{}, fmt.Errorf("decode event at %d: %w", off, err)
		}
		l := Listed{Offset: off, Source: rec.Source, Partition: int(rec.Partition), ReceivedAt: time.Unix(0, rec.ReceivedAt).UTC()}
		if rec.Kind == eventlog.KindQuarantine {
			l.Quarantine = rec.Body
		} else {
			l.Event = rec.Body
		}
		page.Items = append(page.Items, l)
	}
	if more && len(offs) > 0 {
		page.NextCursor = strconv.FormatInt(offs[len(offs)-1], 10)
	}
	return page, nil
}
