# Tests of the EU DCC side of credential/ (docs/credentials-dcc.md).
passgate_test(test_dcc_conformance LABEL conformance TIMEOUT 300
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/conformance/dcc_conformance.c
	LIBS passgate_credential PkgConfig::JANSSON)
