# Tests of hal/: owned with that module.
