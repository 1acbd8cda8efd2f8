# Tests of rules/: unit (evaluator, dates, programs, judge, sessions), conformance (the CertLogic
# suites, the DCC business-rule examples, the program scenarios) and fuzz (program loader +
# CertLogic evaluation).
passgate_test(test_rules_certlogic LABEL conformance
	SOURCES ${CMAKE_SOURCE_DIR}/tests/conformance/test_rules_certlogic.c
	LIBS passgate_rules)
passgate_test(test_rules_examples LABEL conformance
	SOURCES ${CMAKE_SOURCE_DIR}/tests/conformance/test_rules_examples.c
	LIBS passgate_rules)
passgate_test(test_rules_scenarios LABEL conformance
	SOURCES ${CMAKE_SOURCE_DIR}/tests/conformance/test_rules_scenarios.c
	LIBS passgate_rules)
passgate_test(test_rules_logic LABEL unit
	SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/test_rules_logic.c
	LIBS passgate_rules)
passgate_test(test_rules_program LABEL unit
	SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/test_rules_program.c
	LIBS passgate_rules)
passgate_test(test_rules_judge LABEL unit
	SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/test_rules_judge.c
	LIBS passgate_rules)
passgate_fuzz(fuzz_rules SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_rules.c LIBS passgate_rules)
passgate_script_test(certlogic_cli LABEL conformance
	COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/conformance/certlogic_cli.py)
passgate_script_test(rules_cli LABEL conformance
	COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/conformance/rules_cli.py)
# Every scenario of ../shared/scenarios/programs.json end to end: cards minted and signed by
# `passgate issue-test`, judged by `passgate check` with the test issuers trusted.
passgate_script_test(scenarios_cli LABEL conformance
	COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/conformance/scenarios_cli.py)
# Zone offsets read as data from the system's zoneinfo (rules/zone.c), and its fuzz target.
passgate_test(test_rules_zone LABEL unit
	SOURCES ${CMAKE_SOURCE_DIR}/tests/unit/test_rules_zone.c
	LIBS passgate_rules)
passgate_fuzz(fuzz_rules_zone SOURCES ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_rules_zone.c
	LIBS passgate_rules)
