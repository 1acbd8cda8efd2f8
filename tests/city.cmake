# Tests of city/ (passgate-cityd, passgate-city): owned with that module. Issue 11 acceptance
# runs the real binaries against a real mosquitto (and PostgreSQL through pg_virtualenv).
find_program(PG_VIRTUALENV pg_virtualenv)
if(MOSQUITTO_BROKER)
	set(CITY_E2E python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/city_e2e.py
		$<TARGET_FILE:passgate-cityd> $<TARGET_FILE:passgate-city>
		$<TARGET_FILE:passgated> ${MOSQUITTO_BROKER})
	passgate_script_test(city_e2e_sqlite LABEL integration TIMEOUT 120
		COMMAND ${CITY_E2E} e2e-sqlite)
	foreach(mode tokens retention two bad)
		passgate_script_test(city_${mode} LABEL integration TIMEOUT 180
			COMMAND ${CITY_E2E} ${mode})
	endforeach()
	if(PG_VIRTUALENV)
		passgate_script_test(city_e2e_pg LABEL integration TIMEOUT 180
			COMMAND ${PG_VIRTUALENV} ${CITY_E2E} e2e-pg)
	endif()
endif()
passgate_fuzz(fuzz_city_ingest SOURCES fuzz/fuzz_city_ingest.c LIBS passgate_city_core)
passgate_script_test(test_city_unit_security LABEL integration TIMEOUT 60
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_city_unit_security.sh
		${CMAKE_BINARY_DIR}/systemd/passgate-cityd.service)
