package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"ssodesk/compare"
	"ssodesk/explain"
)

// diffDocument is the --json document (schema DiffSchema; see diff.go).
type diffDocument struct {
	Schema       string               `json:"schema"`
	Kind         string               `json:"kind"`
	A            string               `json:"a"`
	B            string               `json:"b"`
	Differences  int                  `json:"differences"`
	Expected     int                  `json:"expected"`
	Lines        []string             `json:"lines"`
	Summary      string               `json:"summary"`
	Sessions     *compare.SessionDiff `json:"sessions,omitempty"`
	Environments *compare.EnvDiff     `json:"environments,omitempty"`
}

func (r *diffResult) document() diffDocument {
	return diffDocument{Schema: DiffSchema, Kind: r.kind, A: r.a, B: r.b, Differences: r.differences(), Expected: r.expected(),
		Lines: r.lines(), Summary: r.summary(), Sessions: r.sessions, Environments: r.envs}
}

// group is a titled list of sections: the one of two sessions, or one
// endpoint pair's.
type group struct {
	prefix   string // the pair's name in a line ("eu"); "" for sessions
	sections []compare.Section
}

func (r *diffResult) groups() []group {
	if r.sessions != nil {
		return []group{{sections: r.sessions.Sections}}
	}
	out := make([]group, len(r.envs.Pairs))
	for i, p := range r.envs.Pairs {
		out[i] = group{prefix: p.Name, sections: p.Sections}
	}
	return out
}

func (r *diffResult) differences() int {
	if r.sessions != nil {
		return r.sessions.Differences()
	}
	return r.envs.Differences()
}

// expected counts the differences shown and not counted.
func (r *diffResult) expected() int {
	n := 0
	for _, g := range r.groups() {
		n += compare.Expected(g.sections)
	}
	return n
}

// lines is one sentence per counted difference.
func (r *diffResult) lines() []string {
	out := []string{}
	if r.envs != nil {
		for _, e := range r.envs.OnlyA {
			out = append(out, explain.DiffOnlyEndpoint(e.Name, r.a, e.Issuer))
		}
		for _, e := range r.envs.OnlyB {
			out = append(out, explain.DiffOnlyEndpoint(e.Name, r.b, e.Issuer))
		}
	}
	for _, g := range r.groups() {
		for _, s := range g.sections {
			for _, it := range s.Items {
				if it.Differs() {
					out = append(out, explain.DiffLine(diffItem(g.prefix, s.Name, it), r.a, r.b))
				}
			}
		}
	}
	return out
}

func (r *diffResult) summary() string {
	return explain.DiffSummary(r.differences(), r.expected(), r.a, r.b)
}

// diffItem is what explain needs of it; prefix names its group in a
// line (the pair "eu"; for sessions its section "id_token").
func diffItem(prefix, section string, it compare.Item) explain.DiffItem {
	if prefix == "" {
		return it.Words(section)
	}
	return it.Words(prefix)
}

// diffColumn is the widest a value is shown in a table (the lines and
// --json have it whole).
const diffColumn = 56

// print writes the text: who is compared, a table per section, the
// differences one per line, the summary.
func (r *diffResult) print(w io.Writer) {
	r.printSides(w)
	for _, g := range r.groups() {
		fmt.Fprintln(w)
		if r.envs != nil {
			p := r.envs.Pairs[indexPair(r.envs, g.prefix)]
			fmt.Fprintln(w, explain.DiffPair(p.Name, r.a, p.A.Issuer, r.b, p.B.Issuer))
		}
		for _, s := range g.sections {
			printSection(w, s)
		}
	}
	if r.envs != nil && len(r.envs.OnlyA)+len(r.envs.OnlyB) > 0 {
		fmt.Fprintln(w)
		for _, e := range r.envs.OnlyA {
			fmt.Fprintln(w, explain.DiffOnlyEndpoint(e.Name, r.a, e.Issuer))
		}
		for _, e := range r.envs.OnlyB {
			fmt.Fprintln(w, explain.DiffOnlyEndpoint(e.Name, r.b, e.Issuer))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, explain.DiffMarksLegend)
	if lines := r.lines(); len(lines) > 0 {
		fmt.Fprintln(w, "\nDifferences:")
		for _, l := range lines {
			fmt.Fprintln(w, "  "+l)
		}
	}
	fmt.Fprintln(w, "\n"+r.summary())
}

func indexPair(d *compare.EnvDiff, name string) int {
	for i, p := range d.Pairs {
		if p.Name == name {
			return i
		}
	}
	return 0
}

// printSides names what is compared: A and B, and for sessions each
// one's region story.
func (r *diffResult) printSides(w io.Writer) {
	if s := r.sessions; s != nil {
		for _, side := range []struct {
			name string
			s    compare.SessionSide
		}{{r.a, s.A}, {r.b, s.B}} {
			fmt.Fprintln(w, explain.DiffSessionSide(side.name, side.s.Environment, side.s.Endpoint, side.s.EndpointURL, side.s.ClientID))
		}
		for _, side := range []struct{ name, story string }{{r.a, s.A.Story}, {r.b, s.B.Story}} {
			if side.story != "" {
				fmt.Fprintln(w, explain.DiffStory(side.name, side.story))
			}
		}
		return
	}
	for _, side := range []struct {
		name string
		e    compare.EnvSide
	}{{r.a, r.envs.A}, {r.b, r.envs.B}} {
		fmt.Fprintln(w, explain.DiffEnvSide(side.name, side.e.Title, side.e.ClientID, side.e.RedirectURI))
	}
}

// printSection writes one section as a table: mark, name, A, B.
func printSection(w io.Writer, s compare.Section) {
	fmt.Fprintln(w, "  "+explain.DiffSectionTitle(s.Name))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, it := range s.Items {
		name := it.Name
		if it.Expected && it.Mark != compare.Same {
			name += " (expected)"
		}
		a, b := cell(it.A), cell(it.B)
		if len(it.OnlyA)+len(it.OnlyB) > 0 { // a list: what only each side has
			a, b = explain.Truncate(explain.DiffOnlyCell(it.OnlyA), diffColumn), explain.Truncate(explain.DiffOnlyCell(it.OnlyB), diffColumn)
		}
		fmt.Fprintf(tw, "    %s %s\t%s\t%s\n", explain.DiffMark(string(it.Mark)), name, a, b)
	}
	tw.Flush()
}

func cell(v *compare.Value) string {
	if v == nil {
		return "—"
	}
	if v.Text == "" {
		return `""`
	}
	return explain.Truncate(v.Text, diffColumn)
}
