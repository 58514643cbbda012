package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestExchangeAtAndAppHosts(t *testing.T) {
	isolate(t)
	c, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ExchangeAt != ExchangeGlobal || c.AppHosts != nil {
		t.Errorf("defaults: exchange_at %q, app_hosts %v", c.ExchangeAt, c.AppHosts)
	}

	p := writeFile(t, "exchange_at: code-region\napp_hosts:\n  default: https://app-{region}.example.com\n  us: https://app.example.us\n")
	c, err = Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ExchangeAt != ExchangeCodeRegion {
		t.Errorf("exchange_at = %q", c.ExchangeAt)
	}
	for region, want := range map[string]string{"eu": "https://app-eu.example.com", "us": "https://app.example.us", "": ""} {
		if got := c.AppHosts.For(region); got != want {
			t.Errorf("AppHosts.For(%q) = %q, want %q", region, got, want)
		}
	}
	if d := c.Describe(); !strings.Contains(d, "exchange_at:    code-region") || !strings.Contains(d, "default  https://app-{region}.example.com") {
		t.Errorf("describe:\n%s", d)
	}

	// A single template string (here from the environment) applies to every region.
	t.Setenv("SSODESK_APP_HOSTS", "https://{region}.app.example.com")
	c, err = Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AppHosts.For("au"); got != "https://au.app.example.com" {
		t.Errorf("template: %q", got)
	}
	var none AppHosts
	if none.For("eu") != "" {
		t.Error("nil AppHosts gave a host")
	}
}

func TestExchangeAtFlag(t *testing.T) {
	isolate(t)
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("exchange-at", "", "")
	if err := fs.Parse([]string{"--exchange-at", "code-region"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load("", fs)
	if err != nil || c.ExchangeAt != ExchangeCodeRegion {
		t.Fatalf("flag: %v %+v", err, c)
	}
	_ = fs.Set("exchange-at", "regional")
	_, err = Load("", fs)
	var ce *Error
	if !errors.As(err, &ce) || ce.Key != KeyExchangeAt || ce.Source != "flag --exchange-at" || !strings.Contains(ce.Msg, "global") || !strings.Contains(ce.Msg, "code-region") {
		t.Errorf("bad flag value: %v", err)
	}
}

func TestBadExchangeAtAndAppHosts(t *testing.T) {
	cases := []struct{ name, body, key, want string }{
		{"bad exchange_at", "exchange_at: eu\n", KeyExchangeAt, `must be global (exchange every code at the endpoint you logged in at`},
		{"template without placeholder", "app_hosts: https://app.example.com\n", KeyAppHosts, "template with {region}"},
		{"not a URL", "app_hosts: app-{region}\n", KeyAppHosts, "absolute URL"},
		{"plain http", "app_hosts:\n  eu: http://app-eu.example.com\n", KeyAppHosts, "https"},
		{"unknown region", "app_hosts:\n  mars: https://app-mars.example.com\n", KeyAppHosts, `"mars" is not a configured region`},
		{"not a string", "app_hosts:\n  eu: [a, b]\n", KeyAppHosts, "eu: must be a URL string"},
		{"a list", "app_hosts: [https://a.example.com]\n", KeyAppHosts, "or a map of region"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			p := writeFile(t, tc.body)
			_, err := Load(p, nil)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *config.Error", err)
			}
			if ce.Key != tc.key || ce.Source != p || !strings.Contains(ce.Msg, tc.want) {
				t.Errorf("got key=%q source=%q msg=%q; want key %q, msg containing %q", ce.Key, ce.Source, ce.Msg, tc.key, tc.want)
			}
		})
	}
}
