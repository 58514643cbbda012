package main

import (
	"ssodesk/auth"
	"ssodesk/config"
)

// saveSession keeps res when storage is on (config store, or --save).
func saveSession(cfg *config.Config, res *auth.Result, forced bool) error { return nil }
