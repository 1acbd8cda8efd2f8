# Tests of cli/: owned with that module.
# Issue 13: booking codes and receipt codes through `passgate booking` and `passgate check`.
passgate_script_test(codes_cli LABEL integration TIMEOUT 120
	COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/codes_cli.py)
