package report_test

import (
	"strings"
	"testing"

	"ssodesk/report"
	"ssodesk/sim"
)

// TestReportCarriesLoginParams: the report's "What was tried" names the
// parameters sent (here from the config's ui_locales and acr_values) and
// a "Login parameters" section holds their checks; the JSON has both.
func TestReportCarriesLoginParams(t *testing.T) {
	f := newFixture(t, sim.Options{}, "ui_locales: da-DK\nacr_values: idp:local\n")
	a := f.login("global", lukas)
	if a.Err != nil {
		t.Fatal(a.Err)
	}
	md := string(markdown(t, a, report.Options{}))
	for _, want := range []string{"| login parameters | `ui_locales=da-DK acr_values=idp:local` |", "## Login parameters",
		`| sent ui\_locales | ✓ |`, `| sent acr\_values | – |`, "| idp | ✓ |"} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
	d, err := report.Build(a, report.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tried.Params) != 2 || d.Tried.Params[1].Key != "acr_values" || len(d.ParamChecks) == 0 {
		t.Errorf("tried params %+v, checks %+v", d.Tried.Params, d.ParamChecks)
	}
}
