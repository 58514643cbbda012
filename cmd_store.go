package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/store"
)

// storeKind is the configured store, or the file store when --save asks
// for one without a configured kind (and for reading what --save kept).
func storeKind(cfg *config.Config) string {
	if cfg.Store != "" {
		return cfg.Store
	}
	return config.StoreFile
}

func openStore(cfg *config.Config) (store.Store, error) {
	st, err := store.Open(storeKind(cfg), cfg.StoreDir)
	if err != nil {
		return nil, usageError{err}
	}
	return st, nil
}

// saveSession keeps res when storage is on (config store, or --save).
func saveSession(w io.Writer, cfg *config.Config, res *auth.Result) error {
	st, err := openStore(cfg)
	if err != nil {
		return err
	}
	if err := st.Save(store.FromResult(res, cfg.ClientID)); err != nil {
		return fmt.Errorf("keeping the session: %w", err)
	}
	fmt.Fprintln(w, "ssodesk: session kept in", st.Where())
	return nil
}

// loadStored restores the stored session of region, refreshed when it
// expires within a minute.
func loadStored(ctx context.Context, w io.Writer, cfg *config.Config, region config.Region, client *http.Client) (*auth.Result, error) {
	st, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	res, ok, err := store.Resume(ctx, st, auth.OptionsFrom(cfg, region, client), time.Now())
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, fmt.Errorf("no stored session for region %s and client %s in %s (log in with: ssodesk login --save --region %s)",
			region.Name, cfg.ClientID, st.Where(), region.Name)
	}
	for _, n := range res.Notes {
		fmt.Fprintln(w, "ssodesk: "+n)
	}
	return res, nil
}

func newTokenCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Print the stored access token (refreshed first when it expires within a minute)",
		Long: `token prints the access token of the session kept by "ssodesk login --save" (or
with config store: file|keyring) for the region, for use in scripts. When it expires
within a minute and a refresh token exists, it is refreshed (and kept) first.`,
		Example: `  curl -H "Authorization: Bearer $(ssodesk token --region eu)" https://…
  export ACCESS_TOKEN=$(ssodesk token)`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, region, err := loadRegion(g, cmd)
			if err != nil {
				return err
			}
			client, err := auth.HTTPClientFor(cfg, nil)
			if err != nil {
				return usageError{err}
			}
			res, err := loadStored(cmd.Context(), cmd.ErrOrStderr(), cfg, region, client)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Token.AccessToken)
			return nil
		},
	}
}

func newLogoutCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Delete stored sessions (of --region, or all of this client)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, region, err := loadRegion(g, cmd)
			if err != nil {
				return err
			}
			st, err := openStore(cfg)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if cmd.Flags().Changed("region") {
				switch err := st.Delete(region.Name, cfg.ClientID); {
				case errors.Is(err, store.ErrNotFound):
					fmt.Fprintf(out, "no stored session for region %s in %s\n", region.Name, st.Where())
				case err != nil:
					return err
				default:
					fmt.Fprintf(out, "deleted the stored session of region %s from %s\n", region.Name, st.Where())
				}
				return nil
			}
			all, listErr := st.List()
			n := 0
			for _, s := range all {
				if s.ClientID != cfg.ClientID {
					continue
				}
				if err := st.Delete(s.Region, s.ClientID); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				n++
			}
			fmt.Fprintf(out, "deleted %d stored session(s) of client %s from %s\n", n, cfg.ClientID, st.Where())
			return listErr
		},
	}
}
