package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cast"
)

// Config keys of the limits on what a session keeps in memory (issue 17).
// SSODESK_LIMITS_CONSOLE_HISTORY and SSODESK_LIMITS_TRACE_ENTRIES set them
// from the environment.
const (
	// KeyConsoleHistory bounds the bytes of response bodies the API
	// console keeps in its history (raw and as drawn); older calls lose
	// their bodies first, the shown one never. "32MB", "64MiB", "1GB" or a
	// number of bytes.
	KeyConsoleHistory = "limits.console_history"
	// KeyTraceEntries is how many HTTP exchanges the trace keeps (the
	// newest).
	KeyTraceEntries = "limits.trace_entries"
)

// Defaults and bounds of the limits.
const (
	DefaultConsoleHistory = 16 << 20
	DefaultTraceEntries   = 2000
	minConsoleHistory     = 1 << 20
	maxConsoleHistory     = 4 << 30
	maxTraceEntries       = 1_000_000
)

func init() { knownKeys = append(knownKeys, KeyConsoleHistory, KeyTraceEntries) }

// Perf holds the limits (Config.Limits); zero means the default.
type Perf struct {
	// ConsoleHistory is the bytes of bodies the API console keeps.
	ConsoleHistory int64 `json:"console_history,omitempty"`
	// TraceEntries is how many exchanges the HTTP trace keeps.
	TraceEntries int `json:"trace_entries,omitempty"`
}

// withDefaults fills the unset limits.
func (p Perf) withDefaults() Perf {
	if p.ConsoleHistory <= 0 {
		p.ConsoleHistory = DefaultConsoleHistory
	}
	if p.TraceEntries <= 0 {
		p.TraceEntries = DefaultTraceEntries
	}
	return p
}

// PerfOf returns c's limits, the defaults filled in (also for a nil c).
func PerfOf(c *Config) Perf {
	if c == nil {
		return Perf{}.withDefaults()
	}
	return c.Limits.withDefaults()
}

// perf reads limits.console_history and limits.trace_entries into c.
func (l *loader) perf(c *Config) error {
	var p Perf
	if raw := l.v.Get(KeyConsoleHistory); raw != nil && fmt.Sprint(raw) != "" {
		n, err := parseBytes(raw)
		if err != nil || n < minConsoleHistory || n > maxConsoleHistory {
			return l.errorf(KeyConsoleHistory, "must be a size from 1MB to 4GB such as 32MB or 64MiB, got %q", fmt.Sprint(raw))
		}
		p.ConsoleHistory = n
	}
	if raw := l.v.Get(KeyTraceEntries); raw != nil && fmt.Sprint(raw) != "" {
		n, err := cast.ToIntE(raw)
		if err != nil || n < 1 || n > maxTraceEntries {
			return l.errorf(KeyTraceEntries, "must be a number of exchanges from 1 to %d, got %q", maxTraceEntries, fmt.Sprint(raw))
		}
		p.TraceEntries = n
	}
	c.Limits = p.withDefaults()
	return nil
}

// parseBytes reads a size: a number of bytes, or one with a unit (KB, MB,
// GB: powers of 1000; KiB, MiB, GiB: of 1024; case and a space between are
// ignored).
func parseBytes(raw any) (int64, error) {
	if n, err := cast.ToInt64E(raw); err == nil {
		return n, nil
	}
	s := strings.ToLower(strings.TrimSpace(fmt.Sprint(raw)))
	units := []struct {
		suffix string
		mult   int64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"b", 1}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("not a size: %q", s)
			}
			return int64(f * float64(u.mult)), nil
		}
	}
	return 0, fmt.Errorf("not a size: %q", s)
}
