// Command rivet is the Rivet server and command-line tool.
package main

import "github.com/rivetcdp/rivet/internal/cli"

func main() { cli.Main() }
