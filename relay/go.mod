module github.com/otherjamesbrown/ai-aas-loadtest/relay

go 1.25.0
