// Command ssodesk logs in to the HIMSA SSO identity provider and shows
// exactly what happened. The commands live in package cli.
package main

import (
	"os"

	"ssodesk/cli"
)

func main() { os.Exit(cli.Execute(os.Args[1:])) }
