//go:build !unix

package llm

// processCPUSeconds is not available off Unix: the self-check reports the CPU figures as unknown.
func processCPUSeconds() (float64, bool) { return 0, false }
