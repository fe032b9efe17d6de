"""The command line: headless subcommands whose output (and --json formats) are public interfaces."""
