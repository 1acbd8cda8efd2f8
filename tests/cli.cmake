# Tests of cli/: owned with that module.
