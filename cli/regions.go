package cli

import (
	"cmp"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/health"
)

func newRegionsCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "regions",
		Short: "Probe every environment's endpoints at once: reachable, latency, TLS, certificate, issuer",
		Long: `regions reads the discovery document of each endpoint of every environment (of
--env's only, when given), all at the same time, and shows whether it answers, how fast,
over which TLS version, when its certificate expires and whether the issuer it reports
matches the configured one. Exit code 1 when an endpoint is down or reports another
issuer.`,
		Example: `  ssodesk regions
  ssodesk regions --env qa
  ssodesk regions --json | jq '.[] | select(.status != "ok")'`,
		Args: noArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, _ []string) error {
			endpoints := env.cfg.Regions
			if !cmd.Flags().Changed("env") {
				endpoints = nil
				for _, e := range env.cfg.Environments {
					endpoints = append(endpoints, e.Endpoints...)
				}
			}
			results := health.Probe(cmd.Context(), env.client, endpoints, health.Options{Timeout: env.cfg.HTTPTimeout})
			if err := show(env.stdout, asJSON, results, func(w io.Writer) { printHealth(w, results) }); err != nil {
				return err
			}
			bad := 0
			for _, r := range results {
				if r.Check() == check.Fail {
					bad++
				}
			}
			if bad > 0 {
				return fmt.Errorf("%d of %d regions are down or report another issuer", bad, len(results))
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printHealth(w io.Writer, results []health.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENVIRONMENT\tREGION\tSTATUS\tLATENCY\tTLS\tCERT EXPIRES\tISSUER\tNOTE")
	now := time.Now()
	for _, r := range results {
		latency, cert := "-", "-"
		if r.Latency > 0 {
			latency = explain.Latency(r.RequestTime(), r.Connect)
		}
		if !r.CertExpiry.IsZero() {
			cert = r.CertExpiry.Local().Format("2006-01-02") + " (" + explain.RelTime(r.CertExpiry, now) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cmp.Or(r.Environment, "-"), r.Region, r.Status, latency, cmp.Or(r.TLSVersion, "-"), cert, r.Issuer, r.Err)
	}
	tw.Flush()
}
