package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// realisticBatch is a /v1/batch body of n events of about 600 bytes, the
// shape the ingestion goal is stated for.
func realisticBatch(n int, seq int) []byte {
	var b strings.Builder
	b.WriteString(`{"batch":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"track","event":"Product Viewed","userId":"user-%d","anonymousId":"6f1c3a52-%08d","messageId":"msg-%d-%d",`+
			`"timestamp":"2026-11-23T10:00:00.000Z","properties":{"product_id":"SKU-%d","name":"西湖龙井 明前特级 250g","category":"茶叶/绿茶","price":368.0,"currency":"CNY","position":%d},`+
			`"context":{"ip":"183.62.10.%d","locale":"zh-CN","userAgent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47",`+
			`"page":{"path":"/p/%d","url":"https://shop.example.cn/p/%d","referrer":"https://weibo.com/"},"library":{"name":"analytics.js","version":"5.2.0"}}}`,
			i%5000, i, seq, i, i, i%20, i%250, i, i)
	}
	b.WriteString(`],"sentAt":"2026-11-23T10:00:01.000Z"}`)
	return []byte(b.String())
}

func BenchmarkDecodeBatch100(b *testing.B) {
	body := realisticBatch(100, 0)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := DecodeBatch(body, now, Limits{})
		if err != nil || len(d.Events) != 100 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/event")
}

// BenchmarkStdlibDecodeBatch100 is the baseline: encoding/json into the
// minimal struct the raw-limit server uses.
func BenchmarkStdlibDecodeBatch100(b *testing.B) {
	body := realisticBatch(100, 0)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var req struct {
			Batch []json.RawMessage `json:"batch"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			b.Fatal(err)
		}
		for _, raw := range req.Batch {
			var ev struct{ Type, MessageID, UserID, AnonymousID, Timestamp string }
			if err := json.Unmarshal(raw, &ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/event")
}

// BenchmarkSubmit100 measures the durable path (dedupe, append, group-commit
// fsync, index) for decoded 100-event requests from 16 goroutines.
func BenchmarkSubmit100(b *testing.B) {
	h := openHarnessB(b)
	defer h.p.Close()
	d, err := DecodeBatch(realisticBatch(100, 0), now, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	var seq atomicCounter
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		evs := make([]Event, len(d.Events))
		for pb.Next() {
			n := seq.next()
			for i, e := range d.Events {
				e.MessageID = fmt.Sprintf("m-%d-%d", n, i) // only the id matters to dedupe
				evs[i] = e
			}
			if _, err := h.p.Submit(context.Background(), &Submission{Workspace: "ws", Source: "s", ReceivedAt: time.Now(), Events: evs}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/event")
}
