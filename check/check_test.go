package check

import (
	"encoding/json"
	"testing"
	"time"
)

func TestMarksAndWords(t *testing.T) {
	for _, tc := range []struct {
		s          Status
		mark, word string
	}{{Pass, "✓", "ok"}, {Warn, "!", "warn"}, {Fail, "✗", "fail"}, {Skip, "–", "skip"}} {
		if tc.s.Mark() != tc.mark || tc.s.String() != tc.word {
			t.Errorf("%d: %s %s, want %s %s", tc.s, tc.s.Mark(), tc.s, tc.mark, tc.word)
		}
		b, err := json.Marshal(tc.s)
		if err != nil || string(b) != `"`+tc.word+`"` {
			t.Errorf("%s: JSON %s %v", tc.word, b, err)
		}
		var back Status
		if err := json.Unmarshal(b, &back); err != nil || back != tc.s {
			t.Errorf("%s: read back %s %v", tc.word, back, err)
		}
	}
}

// The rule: nothing said ✓ that was not checked.
func TestNothingCheckedIsNotPass(t *testing.T) {
	var zero Status
	var row Row
	if zero != Skip || zero.Mark() != "–" || row.Status.Mark() != "–" {
		t.Errorf("zero status %s %s: want – (not checked)", zero, zero.Mark())
	}
	if Worst() != Skip || Verdict(nil) != Skip {
		t.Errorf("the verdict of nothing is %s, want skip", Verdict(nil))
	}
	if s, ok := Parse("bogus"); ok || s != Skip {
		t.Errorf("Parse(bogus) = %s %v, want skip false", s, ok)
	}
	var s Status
	if err := json.Unmarshal([]byte(`"passed"`), &s); err == nil {
		t.Errorf("an unknown word read as %s", s)
	}
	if Status(9).Mark() != "–" {
		t.Errorf("an out-of-range status says %s", Status(9).Mark())
	}
}

func TestParseReadsBothPassWords(t *testing.T) {
	for _, w := range []string{"ok", "pass"} {
		if s, ok := Parse(w); !ok || s != Pass {
			t.Errorf("Parse(%q) = %s %v", w, s, ok)
		}
	}
	var s Status
	if err := json.Unmarshal([]byte(`"pass"`), &s); err != nil || s != Pass {
		t.Errorf(`"pass" read as %s %v`, s, err)
	}
}

func TestWorstAndVerdict(t *testing.T) {
	for _, tc := range []struct {
		in   []Status
		want Status
	}{
		{[]Status{Pass, Skip}, Pass},
		{[]Status{Skip, Skip}, Skip},
		{[]Status{Pass, Warn, Skip}, Warn},
		{[]Status{Warn, Fail, Pass}, Fail},
		{[]Status{Fail, Skip}, Fail},
	} {
		var rows []Row
		for _, s := range tc.in {
			rows = append(rows, Row{Status: s})
		}
		if got := Worst(tc.in...); got != tc.want {
			t.Errorf("Worst(%v) = %s, want %s", tc.in, got, tc.want)
		}
		if got := Verdict(rows); got != tc.want {
			t.Errorf("Verdict(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestFailedAndCount(t *testing.T) {
	rows := []Row{{Name: "a", Status: Pass}, {Name: "b", Status: Fail}, {Name: "c", Status: Warn}, {Name: "d"}, {Name: "e", Status: Fail}}
	if f := Failed(rows); len(f) != 2 || f[0] != "b" || f[1] != "e" {
		t.Errorf("Failed = %v", f)
	}
	if c := Count(rows); c != (Counts{Pass: 1, Warn: 1, Fail: 2, Skip: 1}) {
		t.Errorf("Count = %+v", c)
	}
}

// A row's JSON is what check --json and a report's endpoint checks wrote
// before there was a check package: fix and at only when set.
func TestRowJSON(t *testing.T) {
	b, err := json.Marshal(Row{Name: "tls", Status: Warn, Detail: "TLS 1.2 <soon>"})
	if want := `{"check":"tls","status":"warn","detail":"TLS 1.2 \u003csoon\u003e"}`; err != nil || string(b) != want {
		t.Errorf("got %s %v\nwant %s", b, err, want)
	}
	at := time.Date(2026, 11, 21, 10, 24, 0, 0, time.UTC)
	b, _ = json.Marshal(Row{Name: "expiry", Status: Pass, Detail: "valid", Fix: "none needed", At: at})
	if want := `{"check":"expiry","status":"ok","detail":"valid","fix":"none needed","at":"2026-11-21T10:24:00Z"}`; string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	var back Row
	if err := json.Unmarshal(b, &back); err != nil || back.Status != Pass || !back.At.Equal(at) || back.Fix != "none needed" {
		t.Errorf("read back %+v %v", back, err)
	}
}
