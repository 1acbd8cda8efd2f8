# Tests of rules/: owned with that module.
