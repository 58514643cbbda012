package explain

import (
	"fmt"
	"ssodesk/safe"
	"strings"
)

// Story is what RegionStory needs to know of a login: the facts, no words.
type Story struct {
	Chosen string // the region (endpoint) logged in at
	Code   string // the code's region prefix; "" when none
	// CodeEndpoint is the configured endpoint that serves Code's region
	// ("lab-eu"; "" when not known: then an endpoint named Code is meant),
	// CodeUnserved that none does.
	CodeEndpoint string
	CodeUnserved bool
	ClaimRegion  string // the ID token's region claim; "" when absent
	IssuerRegion string // the configured region whose issuer signed the ID token; "" when none
	Exchanged    string // the region whose token endpoint exchanged the code; "" when not recorded
	HasAPI       bool   // the ID token carries an api claim
	// Global: Chosen is its environment's global endpoint (whatever its name).
	Global bool
	// App: the login was another app's (read from a HAR), not ssodesk's:
	// the story says "the app" for "you" and names no ssodesk setting.
	App bool
	// NoExchange (a HAR's login): the HAR shows neither the code's exchange
	// nor an ID token — a web app exchanges the code on its server — so
	// where it was exchanged and who issued the tokens are not known.
	NoExchange bool
	// Env names the environment when it is not production ("QA",
	// "staging-acme"): every endpoint is then called by it ("the QA global
	// endpoint", "QA EU"), so no one mistakes it for production's.
	Env string
}

// RegionStory explains in plain words where the login happened: the region
// chosen, the region of the code, the issuer of the ID token and the API
// host, and what it means when they disagree.
func RegionStory(f Story) string {
	s := regionStory(f)
	if f.App {
		s = strings.NewReplacer("You used", "The app used", "You logged in", "The user logged in", "You chose", "The app chose",
			" (exchange_at: code-region)", "", "endpoint you used", "endpoint the app used").Replace(s)
	}
	return s
}

func regionStory(f Story) string {
	chosen, code := f.Chosen, f.Code
	global := f.Global || chosen == "global"
	// in names an endpoint in the story's environment: "EU", "QA EU".
	in := func(region string) string { return strings.TrimSpace(f.Env + " " + Region(region)) }
	inG := func(region string) string { return strings.TrimSpace(f.Env + " " + orGlobal(region)) }
	claimRegion := f.ClaimRegion
	issuerRegion := f.IssuerRegion
	// elsewhere: exchange_at code-region sent the code to another endpoint
	// than the one logged in at.
	exchanged := f.Exchanged
	elsewhere := exchanged != "" && exchanged != chosen
	codeAt := f.CodeEndpoint // the endpoint that serves the code's region
	if codeAt == "" && !f.CodeUnserved {
		codeAt = code
	}
	var s []string
	switch {
	case code == "":
		s = append(s, "The code carried no region prefix (HIMSA codes normally start with the account's region, like \"eu.\"), so the account's region is unknown.")
	case global && elsewhere:
		s = append(s, fmt.Sprintf("You used the %s endpoint and picked an account in %s; the code was exchanged at the %s endpoint its prefix names (exchange_at: code-region), not at the global one.", inG(chosen), Region(code), inG(exchanged)))
	case global && f.NoExchange:
		s = append(s, fmt.Sprintf("You used the %s endpoint and picked an account in %s.", inG(chosen), Region(code)))
	case global:
		s = append(s, fmt.Sprintf("You used the %s endpoint and picked an account in %s; the code was exchanged at the %s endpoint, which HIMSA hands to the %s IdP.", inG(chosen), Region(code), inG(chosen), in(code)))
	case chosen == codeAt:
		s = append(s, fmt.Sprintf("You logged in at the %s endpoint with %s %s account.", in(chosen), article(Region(code)), Region(code)))
	case f.CodeUnserved:
		s = append(s, fmt.Sprintf("You logged in at the %s endpoint with %s %s account; no configured endpoint says it serves %s "+
			"(none is named %s or has region: %s), so whether this one does is not known: set region: %s on the endpoint that does.",
			in(chosen), article(Region(code)), Region(code), Region(code), code, code, code))
	default:
		s = append(s, fmt.Sprintf("You chose %s but the code came from %s: a regional endpoint should offer only its own region's accounts.", in(chosen), Region(code)))
		if elsewhere {
			s = append(s, fmt.Sprintf("The code was exchanged at the %s endpoint (exchange_at: code-region).", inG(exchanged)))
		}
	}
	switch {
	case f.NoExchange:
		s = append(s, "The HAR shows no token exchange: the app exchanged the code on its server (a web app), or the recording missed it, so it holds no tokens.")
	case issuerRegion == "":
		s = append(s, "The ID token's issuer is not one of the configured regions.")
	case issuerRegion == chosen:
		s = append(s, fmt.Sprintf("The ID token was issued by the %s endpoint you used.", inG(issuerRegion)))
	case elsewhere && issuerRegion == exchanged:
		s = append(s, fmt.Sprintf("The ID token was issued by the %s IdP that exchanged the code.", inG(issuerRegion)))
	default:
		s = append(s, fmt.Sprintf("The ID token was issued by the %s IdP, not the %s endpoint you used.", inG(issuerRegion), inG(chosen)))
	}
	if claimRegion != "" && code != "" && claimRegion != code {
		s = append(s, fmt.Sprintf("Its region claim (%s) differs from the code's prefix (%s).", claimRegion, code))
	}
	if !f.HasAPI && !f.NoExchange {
		s = append(s, "The ID token has no api claim: configure an API base for this region.")
	}
	if f.Env != "" {
		return f.Env + ": " + strings.Join(s, " ")
	}
	return strings.Join(s, " ")
}

// Region names a region as people write it: short names in capitals
// ("EU", "US", "QA"), longer ones as configured ("noah-es-eu").
func Region(region string) string {
	if len(region) <= 3 {
		return strings.ToUpper(region)
	}
	return region
}

// article is "a" or "an" as English reads the name: letter by letter for
// acronyms ("an EU", "a US", "an AU", "a QA"), else by its first letter.
func article(name string) string {
	if name == "" {
		return "a"
	}
	vowelSound := "aeiou"
	if name == strings.ToUpper(name) {
		vowelSound = "AEFHILMNORSX" // letters whose names start with a vowel sound
	}
	if strings.ContainsRune(vowelSound, rune(name[0])) {
		return "an"
	}
	return "a"
}

// orGlobal is Region, but "global" stays lower case.
func orGlobal(region string) string {
	if region == "global" {
		return "global"
	}
	return Region(region)
}

// EnvName is how a story names an environment: "" for production (its
// endpoints are just "global", "EU"), else its short name ("QA").
func EnvName(env string) string {
	if env == "" || env == "production" {
		return ""
	}
	return Region(env)
}

// Endpoint names an endpoint with its environment when that is not
// production: "global", "eu" (as configured), "QA global", "QA EU".
func Endpoint(env, name string) string {
	if e := EnvName(env); e != "" {
		return e + " " + orGlobal(name)
	}
	return name
}

// EnvEndpoint names an endpoint with its environment always, as the
// configuration spells them: "production global", "qa eu". The lines of
// `login`, `check` and `regions` that name an endpoint start with it, so
// two outputs of two environments never read alike.
func EnvEndpoint(env, name string) string {
	if env == "" {
		env = "production"
	}
	return safe.Printable(strings.TrimSpace(env + " " + name))
}
