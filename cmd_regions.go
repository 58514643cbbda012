package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/explain"
	"ssodesk/health"
)

func newRegionsCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "regions",
		Short: "Probe every configured region's IdP at once: reachable, latency, TLS, certificate, issuer",
		Long: `regions reads each region's discovery document, all at the same time, and shows
whether it answers, how fast, over which TLS version, when its certificate expires and
whether the issuer it reports matches the configured one. Exit code 1 when a region is
down or reports another issuer.`,
		Example: `  ssodesk regions
  ssodesk regions --json | jq '.[] | select(.status != "ok")'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, _, err := loadRegion(g, cmd)
			if err != nil {
				return err
			}
			client, err := auth.HTTPClientFor(cfg, nil)
			if err != nil {
				return usageError{err}
			}
			results := health.Probe(cmd.Context(), client, cfg.Regions, health.Options{Timeout: cfg.HTTPTimeout})
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				printHealth(out, results)
			}
			bad := 0
			for _, r := range results {
				if r.Status == health.StatusDown || r.Status == health.StatusMismatch {
					bad++
				}
			}
			if bad > 0 {
				return fmt.Errorf("%d of %d regions are down or report another issuer", bad, len(results))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printHealth(w interface{ Write([]byte) (int, error) }, results []health.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tSTATUS\tLATENCY\tTLS\tCERT EXPIRES\tISSUER\tNOTE")
	now := time.Now()
	for _, r := range results {
		latency, cert := "-", "-"
		if r.Latency > 0 {
			latency = r.Latency.Round(time.Millisecond).String()
		}
		if !r.CertExpiry.IsZero() {
			cert = r.CertExpiry.Local().Format("2006-01-02") + " (" + explain.RelTime(r.CertExpiry, now) + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Region, r.Status, latency, cmp.Or(r.TLSVersion, "-"), cert, r.Issuer, r.Err)
	}
	tw.Flush()
}
