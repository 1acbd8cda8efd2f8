# Tests of credential/: owned with that module.
