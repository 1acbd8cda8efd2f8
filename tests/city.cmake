# Tests of city/ (passgate-cityd, passgate-city): owned with that module. Issue 11 acceptance
# runs the real binaries against a real mosquitto (and PostgreSQL through pg_virtualenv).
find_program(PG_VIRTUALENV pg_virtualenv)
if(MOSQUITTO_BROKER)
	set(CITY_E2E python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/city_e2e.py
		$<TARGET_FILE:passgate-cityd> $<TARGET_FILE:passgate-city>
		$<TARGET_FILE:passgated> ${MOSQUITTO_BROKER})
	passgate_script_test(city_e2e_sqlite LABEL integration TIMEOUT 120
		COMMAND ${CITY_E2E} e2e-sqlite)
	if(PG_VIRTUALENV)
		passgate_script_test(city_e2e_pg LABEL integration TIMEOUT 180
			COMMAND ${PG_VIRTUALENV} ${CITY_E2E} e2e-pg)
	endif()
endif()
