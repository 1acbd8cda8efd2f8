# Tests of the SMART Health Card side of credential/ and of the verify/trust/issue-test CLI
# (docs/credentials.md). Unit tests link the library only; conformance tests read the shared
# corpora from PASSGATE_CONFORMANCE_DIR unchanged.
foreach(t b64url inflate json_bounds isotime trust shc cred_json)
	passgate_test(test_${t} LABEL unit
		SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_${t}.c
		LIBS passgate_credential)
endforeach()

# Conformance: the SHC spec examples and the devtools corpus, unchanged (acceptance 1).
passgate_test(test_shc_conformance LABEL conformance TIMEOUT 300
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/conformance/shc_conformance.c
	LIBS passgate_credential)

# Acceptance 2 through the real CLI: a card minted with the example issuer's private key.
passgate_script_test(shc_cli LABEL conformance
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/conformance/shc-cli.sh)
# The MANIFEST's image rows, through the decoder the kiosk uses.
passgate_script_test(shc_images LABEL conformance
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/conformance/shc-images.sh)

# libFuzzer targets over the SHC parsers and the trust-store importers (acceptance 3); seed
# corpora in tests/fuzz/corpus/<name>/.
foreach(t shc_verify shc_payload trust_jwks)
	passgate_fuzz(fuzz_${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_${t}.c
		LIBS passgate_credential)
endforeach()
