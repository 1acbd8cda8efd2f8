# Tests of the EU DCC side of credential/ (docs/credentials-dcc.md).
passgate_test(test_dcc_conformance LABEL conformance TIMEOUT 300
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/conformance/dcc_conformance.c
	LIBS passgate_credential PkgConfig::JANSSON)

foreach(t base45 cbor_bounds cose hcert)
	passgate_test(test_${t} LABEL unit
		SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_${t}.c
		LIBS passgate_credential)
endforeach()

# The whole DCC path on self-minted credentials (acceptance 2 and 4 of issue 2).
passgate_test(test_dcc LABEL unit
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_dcc.c
	LIBS passgate_credential PkgConfig::ZLIB)

# libFuzzer targets over the DCC parsers (corpora in tests/fuzz/corpus/<name>/). The files under
# test are compiled into each target, so that -fsanitize=fuzzer instruments them for coverage
# (the library archive itself is built without coverage instrumentation).
set(_cred ${CMAKE_SOURCE_DIR}/credential)
passgate_fuzz(fuzz_base45 SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_base45.c
	${_cred}/base45.c)
passgate_fuzz(fuzz_cose SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_cose.c
	${_cred}/cbor_bounds.c ${_cred}/cose.c ${_cred}/hcert.c
	LIBS passgate_credential PkgConfig::CBOR)
passgate_fuzz(fuzz_dcc SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_dcc.c
	${_cred}/base45.c ${_cred}/cbor_bounds.c ${_cred}/cose.c ${_cred}/hcert.c ${_cred}/dcc.c
	${_cred}/trust_cert.c ${_cred}/sig_cert.c
	LIBS passgate_credential PkgConfig::CBOR PkgConfig::OPENSSL PkgConfig::SQLITE)

# Acceptance 2 through the real CLI (passgate issue-test + passgate verify --trust-cert).
add_executable(dcc_tamper ${CMAKE_CURRENT_SOURCE_DIR}/conformance/dcc_tamper.c)
target_link_libraries(dcc_tamper PRIVATE passgate_credential PkgConfig::ZLIB)
target_include_directories(dcc_tamper PRIVATE ${CMAKE_SOURCE_DIR})
passgate_script_test(dcc_cli LABEL conformance
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/conformance/dcc-cli.sh)
set_property(TEST dcc_cli APPEND PROPERTY ENVIRONMENT "DCC_TAMPER=$<TARGET_FILE:dcc_tamper>")
passgate_fuzz(fuzz_trust_cert SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_trust_cert.c
	${_cred}/sig_cert.c ${_cred}/trust_cert.c
	LIBS passgate_credential PkgConfig::OPENSSL PkgConfig::SQLITE)

# DCC revocation lists and the EU DSC list importer (issue 11: trust lists and revocation).
passgate_test(test_trust_revoke LABEL unit
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_trust_revoke.c
	LIBS passgate_credential)
passgate_fuzz(fuzz_dsclist SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_dsclist.c
	${_cred}/dsclist.c ${_cred}/sig_cert.c
	LIBS passgate_credential PkgConfig::OPENSSL PkgConfig::JANSSON)
passgate_fuzz(fuzz_dcc_revocation SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_dcc_revocation.c
	${_cred}/trust_revoke.c
	LIBS passgate_credential PkgConfig::SQLITE PkgConfig::JANSSON)
