"""One module per command; each parses options, calls the library, renders, and returns an exit code."""
