package ui

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ssodesk/api"
	"ssodesk/bench/jsonbody"
	"ssodesk/config"
	"ssodesk/flow"
	"ssodesk/health"
	"ssodesk/transport"
)

// The benchmarks of issue 17 (performance and scale): the region picker at
// 1000 regions, the trace at 10,000 entries, the console with a 5 MB body.
// bench/run.sh runs them (see BENCHMARKS.md); no test asserts a time.

// benchRegions returns n regions with distinct names and issuers.
func benchRegions(n int) []config.Region {
	rs := make([]config.Region, n)
	for i := range rs {
		rs[i] = config.Region{Name: fmt.Sprintf("r%04d", i), Label: fmt.Sprintf("Region %d", i),
			Issuer: fmt.Sprintf("https://idp-%04d.example", i)}
	}
	return rs
}

func benchRegionsCommon(n int) *Common {
	cfg := testConfig()
	cfg.Regions = benchRegions(n)
	cfg.Region = cfg.Regions[0].Name
	return &Common{Cfg: cfg, Styles: NewStyles(true), Now: func() time.Time { return now }}
}

// BenchmarkRegionsHealth measures one health update (a probe of every
// region arriving) on the region picker at 100×30, by the number of regions.
// Run: go test -run '^$' -bench RegionsHealth ./ui
func BenchmarkRegionsHealth(b *testing.B) {
	for _, n := range []int{20, 200, 1000} {
		m := newRegionsModel(benchRegionsCommon(n), &Services{})
		m = m.SetSize(100, 30).(regionsModel)
		results := make([]health.Result, n)
		for i, r := range m.com.Cfg.Regions {
			results[i] = health.Result{Region: r.Name, Issuer: r.Issuer, Status: health.StatusOK, Latency: time.Duration(20+i%50) * time.Millisecond, TLSVersion: "TLS 1.3"}
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				next, _ := m.update(healthMsg{results: results})
				_ = next.View()
			}
		})
	}
}

// BenchmarkRegionsFirstFrame measures the TUI's start up to its first frame
// in-process: New, the window size, View — with 1 and with 1000 regions.
// Run: go test -run '^$' -bench RegionsFirstFrame ./ui
func BenchmarkRegionsFirstFrame(b *testing.B) {
	for _, n := range []int{1, 1000} {
		com := benchRegionsCommon(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := step(New(com, testServices(com.Cfg, nil)), tea.WindowSizeMsg{Width: 80, Height: 24})
				if v := m.View(); !strings.Contains(v.Content, "Where do you want to log in?") {
					b.Fatal("no title")
				}
			}
		})
	}
}

// benchTraceEntries returns n recorded exchanges.
func benchTraceEntries(n int) []transport.Entry {
	es := make([]transport.Entry, n)
	start := now.Add(-time.Hour)
	for i := range es {
		es[i] = transport.Entry{ID: i + 1, Purpose: []string{"discovery", "jwks", "token", "api"}[i%4], Start: start.Add(time.Duration(i) * time.Second),
			Duration: time.Duration(5+i%40) * time.Millisecond, Method: "GET", URL: fmt.Sprintf("https://idp.himsa-sso.com/connect/x?n=%d", i),
			Proto: "HTTP/1.1", Status: []int{200, 200, 401, 200}[i%4], ResponseSize: int64(100 + i),
			ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: `{"ok":true}`}
	}
	return es
}

func benchTraceModel(n int) traceModel {
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }, WorkDir: "/tmp"}
	m := newTraceModel(com, &Services{}, 1)
	m = m.SetSize(120, 30).(traceModel)
	m.setEntries(flow.ExchangesOf(benchTraceEntries(n)))
	return m
}

// BenchmarkTraceKey measures one ↑ or ↓ on the trace list (Update and the
// View that follows), by the number of entries.
// Run: go test -run '^$' -bench TraceKey ./ui
func BenchmarkTraceKey(b *testing.B) {
	for _, n := range []int{500, 10000} {
		m := benchTraceModel(n)
		up, down := tea.KeyPressMsg{Code: tea.KeyUp}, tea.KeyPressMsg{Code: tea.KeyDown}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := up
				if i%40 >= 20 {
					k = down
				}
				i++
				m, _ = m.update(k)
				_ = m.View()
			}
		})
	}
}

// BenchmarkTraceRefresh measures the once-a-second re-read of the trace
// arriving (a new snapshot of n entries), with the View that follows.
func BenchmarkTraceRefresh(b *testing.B) {
	for _, n := range []int{500, 10000} {
		m := benchTraceModel(n)
		es := flow.ExchangesOf(benchTraceEntries(n))
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, _ = m.update(traceLoadedMsg{entries: es})
				_ = m.View()
			}
		})
	}
}

// callCmdWork is what the console's call Cmd does with a response besides
// fetching it, off the Update loop.
func callCmdWork(o callOutcome, s *Styles) callOutcome { return o.drawn(s) }

// BenchmarkConsoleCall5MB feeds a finished call with a 5 MB JSON body to
// the console (100×30) — after the work its Cmd does (callCmdWork) — runs
// the Cmds it answers with, if any, and feeds their messages back, as the
// program would; then it views the screen, resizes it and toggles the
// headers (H). ns/op is the whole; max-update-ms is the longest single
// Update or SetSize — what blocks the screen (target: ≤ 16 ms); cmd-ms the
// Cmd's part.
// Run: go test -run '^$' -bench ConsoleCall5MB ./ui
func BenchmarkConsoleCall5MB(b *testing.B) {
	body := jsonbody.Make(5 << 20)
	com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }}
	m := newConsoleModel(com, testServices(com.Cfg, nil), sampleResult(), 1)
	m = m.SetSize(100, 30).(consoleModel)
	var worst, cmdTime time.Duration
	timed := func(f func()) {
		t0 := time.Now()
		f()
		worst = max(worst, time.Since(t0))
	}
	b.ReportAllocs()
	for b.Loop() {
		resp := &api.Response{URL: "https://api-eu.example/v1/big", Status: http.StatusOK, Body: body, Size: int64(len(body)),
			Header: http.Header{"Content-Type": {"application/json"}}, Duration: 42 * time.Millisecond, At: now}
		t0 := time.Now()
		out := callCmdWork(callOutcome{req: api.Request{Method: "GET", Path: "big"}, resp: resp}, com.Styles)
		cmdTime += time.Since(t0)
		msgs := []tea.Msg{apiResultMsg{gen: m.gen, out: out}}
		for len(msgs) > 0 {
			msg := msgs[0]
			msgs = msgs[1:]
			var cmd tea.Cmd
			timed(func() { m, cmd = m.update(msg) })
			msgs = append(msgs, collect(cmd)...)
		}
		if v := m.View(); !strings.Contains(v, "Hearing Care User 00001") {
			b.Fatalf("the body is not shown:\n%s", v)
		}
		timed(func() { m = m.SetSize(80, 24).(consoleModel) })
		timed(func() { m = m.SetSize(100, 30).(consoleModel) })
		timed(func() { m, _ = m.update(tea.KeyPressMsg{Code: 'H', Text: "H"}) })
		_ = m.View()
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "max-update-ms")
	b.ReportMetric(float64(cmdTime.Microseconds())/1000/float64(b.N), "cmd-ms")
}

// BenchmarkTraceOpen measures opening the trace screen (t) on a trace of n
// entries: the snapshot, the model, its first View.
func BenchmarkTraceOpen(b *testing.B) {
	for _, n := range []int{500, 10000} {
		tr := transport.NewTrace()
		tr.SetLimit(n)
		for i := range n {
			tr.Note("api", "GET", fmt.Sprintf("https://api.example/v1/users?page=%d", i), 200, "")
		}
		com := &Common{Cfg: testConfig(), Styles: NewStyles(true), Now: func() time.Time { return now }, WorkDir: "/tmp"}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := newTraceModel(com, &Services{Trace: tr}, 1)
				m = m.SetSize(120, 30).(traceModel)
				_ = m.View()
			}
		})
	}
}
