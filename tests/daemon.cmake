# Tests of daemon/: owned with that module.
