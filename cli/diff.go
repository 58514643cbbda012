package cli

// `ssodesk diff`: two logins or two environments side by side (issue 25).
//
// The --json document, schema "ssodesk-diff/1":
//
//	{
//	  "schema": "ssodesk-diff/1",
//	  "kind": "sessions" | "environments",
//	  "a", "b": how each side is named (a file, a kept session "qa/eu", an environment),
//	  "differences": the differences counted (the exit code is 1 when > 0),
//	  "expected": the differences any two sides of the kind have, shown, not counted,
//	  "lines": one sentence per counted difference,
//	  "summary": one sentence,
//	  "sessions": compare.SessionDiff (kind sessions): a, b (environment, endpoint,
//	      endpoint_url, client_id, story) and sections, each with items,
//	  "environments": compare.EnvDiff (kind environments): a, b (name, title,
//	      client_id, redirect_uri), pairs (name, a, b endpoints, sections),
//	      only_a, only_b (endpoints one side lacks)
//	}
//
// An item is {name, mark: same|changed|added|removed, a, b: {text, time?}
// (absent on the side without it), only_a, only_b (a list's members one
// side lacks), expected}. No token value is ever part of it: tokens are
// "jwt 1043 B sha256:3f2a9c1b".

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ssodesk/auth"
	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/loginjson"
)

// DiffSchema names the --json document's shape.
const DiffSchema = "ssodesk-diff/1"

// maxDiffDocument bounds a document diff reads (a login --json is a few
// KB; a huge token makes it bigger, never this big).
const maxDiffDocument = 16 << 20

type diffFlags struct {
	kept, envs []string
	region     string
	json       bool
}

func newDiffCmd(g *globalFlags) *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff A.json B.json | --kept [ENV/]ENDPOINT --kept [ENV/]ENDPOINT | --env A --env B [--region R]",
		Short: "Compare two logins (login --json documents or kept sessions) or two environments side by side",
		Long: `diff sets two things side by side and marks each item: = same, ≠ changed, + only in B,
− only in A.

  ssodesk diff A.json B.json        two documents ` + "`ssodesk login --json`" + ` wrote
  ssodesk diff --kept production/eu --kept qa/eu
                                    two kept sessions (ENV/ENDPOINT, or ENDPOINT of the
                                    selected environment); they are read, never refreshed
  ssodesk diff --env production --env qa [--region eu]
                                    two environments, without logging in

Logins: the claims of the ID token (and of the access token when it is a JWT), the scopes
granted, token lifetimes (exp − iat), issuers and signing keys (kid, alg), the API base,
each side's region story, environment, endpoint and client ID. Tokens are shown as kind,
length and SHA-256 prefix, never their values.

Environments: per endpoint pair (global↔global, eu↔eu; one only one side has is listed
as such) the discovery documents (every key; endpoints by path), the JWKS (key count,
types, algorithms, sizes or curves), TLS (version, certificate issuer and expiry), the
pre-flight of each environment's configured client, and each IdP's clock. Differences any
two IdPs have (issuers, key IDs, client IDs, certificate dates, clocks within 2 s) are
shown as expected and not counted.

Exit code 0 when nothing differs, 1 when something does (as diff(1)), 2 for bad input.`,
		Example: `  ssodesk login --json > before.json; ssodesk login --json > after.json
  ssodesk diff before.json after.json
  ssodesk diff --env production --env qa --region eu
  ssodesk diff --kept production/eu --kept qa/eu --json | jq .lines`,
		RunE: func(cmd *cobra.Command, args []string) error { return runDiff(cmd, g, f, args) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.kept, "kept", nil, "a kept session, [ENV/]ENDPOINT (twice)")
	fl.StringArrayVar(&f.envs, "env", nil, "an environment to compare (twice): production, qa or a configured one")
	fl.StringVar(&f.region, "region", "", "with --env: only this endpoint pair (global, eu, …)")
	fl.BoolVar(&f.json, "json", false, "print the JSON document (schema "+DiffSchema+")")
	return cmd
}

// diffResult is what a diff found, however it was asked.
type diffResult struct {
	kind     string
	a, b     string // the sides' names
	sessions *compare.SessionDiff
	envs     *compare.EnvDiff
}

func runDiff(cmd *cobra.Command, g *globalFlags, f diffFlags, args []string) error {
	var r *diffResult
	var err error
	switch {
	case len(args) == 2 && len(f.kept)+len(f.envs) == 0 && f.region == "":
		r, err = diffFiles(cmd.InOrStdin(), args[0], args[1])
	case len(args) == 0 && len(f.kept) == 2 && len(f.envs) == 0 && f.region == "":
		r, err = diffKept(cmd, g, f.kept[0], f.kept[1])
	case len(args) == 0 && len(f.envs) == 2 && len(f.kept) == 0:
		r, err = diffEnvs(cmd, g, f.envs[0], f.envs[1], f.region)
	default:
		err = errors.New("diff takes two login documents (diff A.json B.json), two kept sessions (--kept ENV/ENDPOINT twice) " +
			"or two environments (--env A --env B [--region R]); see ssodesk diff --help")
	}
	if err != nil {
		return usageError{err}
	}
	out := cmd.OutOrStdout()
	if f.json {
		err = writeJSON(out, r.document())
	} else {
		r.print(out)
	}
	if err == nil && r.differences() > 0 {
		err = errors.New(r.summary())
	}
	return err
}

// diffFiles compares two saved documents (- for stdin, once).
func diffFiles(stdin io.Reader, a, b string) (*diffResult, error) {
	if a == "-" && b == "-" {
		return nil, errors.New("only one of A and B can be - (stdin)")
	}
	da, err := readDocument(stdin, a)
	if err != nil {
		return nil, err
	}
	db, err := readDocument(stdin, b)
	if err != nil {
		return nil, err
	}
	return &diffResult{kind: "sessions", a: a, b: b, sessions: compare.Sessions(da, db)}, nil
}

// readDocument reads a `login --json` document, at most maxDiffDocument.
func readDocument(stdin io.Reader, name string) (*loginjson.Document, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxDiffDocument+1))
	switch {
	case err != nil:
		return nil, errors.New(explain.DiffNotLoginDocument(name, err))
	case len(data) > maxDiffDocument:
		return nil, errors.New(explain.DiffNotLoginDocument(name, fmt.Errorf("more than %d MB", maxDiffDocument>>20)))
	}
	d, err := loginjson.Parse(data)
	if err != nil {
		return nil, errors.New(explain.DiffNotLoginDocument(name, err))
	}
	return d, nil
}

// diffConfig loads the config without diff's own --env and --region
// (which name two environments and a pair, not the selected ones), and
// the HTTP client.
func diffConfig(cmd *cobra.Command, g *globalFlags) (*config.Config, *runEnv, error) {
	rest := pflag.NewFlagSet("diff", pflag.ContinueOnError)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "env" && f.Name != "region" {
			rest.AddFlag(f)
		}
	})
	cfg, err := config.Load(g.configFile, rest)
	if err != nil {
		return nil, nil, err
	}
	client, err := auth.HTTPClientFor(cfg, g.trace)
	if err != nil {
		return nil, nil, err
	}
	return cfg, &runEnv{cfg: cfg, client: client, stdin: cmd.InOrStdin(), stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr(),
		said: map[string]bool{}}, nil
}

// diffKept compares two kept sessions, read through the session layer
// (never refreshed: a diff changes nothing).
func diffKept(cmd *cobra.Command, g *globalFlags, a, b string) (*diffResult, error) {
	cfg, env, err := diffConfig(cmd, g)
	if err != nil {
		return nil, err
	}
	m, err := env.sessions(true)
	if err != nil {
		return nil, err
	}
	var docs [2]*loginjson.Document
	for i, name := range []string{a, b} {
		r, err := keptEndpoint(cfg, name)
		if err != nil {
			return nil, err
		}
		res, err := m.Kept(cmd.Context(), r)
		if err != nil {
			return nil, fmt.Errorf("--kept %s: %w", name, err)
		}
		d := loginjson.Of(res, time.Now(), nil)
		docs[i] = &d
	}
	return &diffResult{kind: "sessions", a: a, b: b, sessions: compare.Sessions(docs[0], docs[1])}, nil
}

// keptEndpoint is the endpoint [ENV/]ENDPOINT names.
func keptEndpoint(cfg *config.Config, name string) (config.Region, error) {
	envName, ep, ok := strings.Cut(name, "/")
	if !ok {
		envName, ep = cfg.Environment, name
	}
	e, err := findEnv(cfg, envName)
	if err != nil {
		return config.Region{}, fmt.Errorf("--kept %s: %w", name, err)
	}
	i := slices.IndexFunc(e.Endpoints, func(r config.Region) bool { return r.Name == ep })
	if i < 0 {
		names := make([]string, len(e.Endpoints))
		for j, r := range e.Endpoints {
			names[j] = r.Name
		}
		return config.Region{}, fmt.Errorf("--kept %s: %s has no endpoint %q; known: %s", name, e.Name, ep, strings.Join(names, ", "))
	}
	return e.Endpoints[i], nil
}

func findEnv(cfg *config.Config, name string) (config.Environment, error) {
	e, ok := cfg.FindEnvironment(name)
	if !ok {
		return e, fmt.Errorf("unknown environment %q; known: %s", name, strings.Join(cfg.EnvironmentNames(), ", "))
	}
	return e, nil
}

// diffEnvs compares two environments without logging in.
func diffEnvs(cmd *cobra.Command, g *globalFlags, a, b, region string) (*diffResult, error) {
	cfg, env, err := diffConfig(cmd, g)
	if err != nil {
		return nil, err
	}
	ea, err := findEnv(cfg, a)
	if err != nil {
		return nil, fmt.Errorf("--env %s: %w", a, err)
	}
	eb, err := findEnv(cfg, b)
	if err != nil {
		return nil, fmt.Errorf("--env %s: %w", b, err)
	}
	o := compare.Options{Timeout: cfg.HTTPTimeout}
	if region != "" {
		has := func(r config.Region) bool {
			return r.Name == region || r.Code == region || region == config.GlobalRegion && r.IsGlobal()
		}
		if !slices.ContainsFunc(ea.Endpoints, has) && !slices.ContainsFunc(eb.Endpoints, has) {
			return nil, fmt.Errorf("--region %s: neither %s nor %s has that endpoint", region, a, b)
		}
		o.Endpoints = []string{region}
	}
	d := compare.Environments(cmd.Context(), env.client, ea, eb, o)
	return &diffResult{kind: "environments", a: explain.DiffSide(a), b: explain.DiffSide(b), envs: d}, nil
}
