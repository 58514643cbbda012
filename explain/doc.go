// Package explain holds the words ssodesk says: region stories, claim
// labels, local and relative times, masking of secrets, what a login event
// or error means and how to fix it (Error, EventMsg, PreflightSummary,
// SessionStory, ReloginStory). The CLI, the TUI and the diagnosis report all
// use it, so they never disagree.
//
// It reads auth's facts (auth imports no explain); safe text from outside is
// package safe's, and the format of a time or duration package timefmt's.
package explain
