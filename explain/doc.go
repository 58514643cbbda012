// Package explain holds the words ssodesk says: region stories, claim
// labels, local and relative times, masking of secrets, safe text from
// outside, and what errors mean and how to fix them. The CLI, the TUI and
// (later) the diagnosis report all use it, so they never disagree.
//
// It imports nothing of ssodesk: auth, api and the rest give it facts.
package explain
