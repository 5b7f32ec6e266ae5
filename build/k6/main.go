// Command k6 is stock k6 with the project's k6/x/llm extension linked in: the program xk6 would
// generate, kept in the repository so its module versions are pinned by go.sum.
package main

import (
	k6cmd "go.k6.io/k6/cmd"

	_ "github.com/otherjamesbrown/ai-aas-loadtest/xk6"
)

func main() {
	k6cmd.Execute()
}
