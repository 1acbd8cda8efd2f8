# Tests of daemon/ (the passgated frame): owned with that module.
passgate_test(test_config LABEL unit SOURCES unit/test_config.c LIBS passgated_core)
passgate_test(test_clockguard LABEL unit SOURCES unit/test_clockguard.c LIBS passgated_core)
passgate_test(test_passback LABEL unit SOURCES unit/test_passback.c LIBS passgated_core)
passgate_test(test_party LABEL unit SOURCES unit/test_party.c
	LIBS passgated_core PkgConfig::JANSSON)
passgate_test(test_daemon_loop LABEL integration SOURCES integration/test_daemon_loop.c
	LIBS passgated_core TIMEOUT 60)
passgate_script_test(test_daemon_binary LABEL integration TIMEOUT 60
	COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_daemon_binary.py
		$<TARGET_FILE:passgated>)
passgate_script_test(test_daemon_unit_security LABEL integration TIMEOUT 60
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_daemon_unit_security.sh
		${CMAKE_BINARY_DIR}/systemd/passgated.service)
passgate_fuzz(fuzz_config SOURCES fuzz/fuzz_config.c LIBS passgated_core)
# Issue 6 acceptance: the real passgated end to end (cards minted by the CLI, a dir: camera,
# sim GPIO and buttons, a printer file, a real mosquitto started by the test).
if(MOSQUITTO_BROKER)
	foreach(mode e2e holdoff signals buttons)
		passgate_script_test(daemon_e2e_${mode} LABEL integration TIMEOUT 60
			COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/daemon_e2e.py
				$<TARGET_FILE:passgated> ${MOSQUITTO_BROKER} ${mode})
	endforeach()
endif()
# Issue 13 acceptance: booking codes, receipt codes and consecutive stays, parties and children,
# with the real passgated (daemon_codes.py reuses daemon_e2e.py's harness).
if(MOSQUITTO_BROKER AND TARGET city_sign)
	foreach(mode stays party nagano)
		passgate_script_test(daemon_codes_${mode} LABEL integration TIMEOUT 120
			COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/daemon_codes.py
				$<TARGET_FILE:passgated> ${MOSQUITTO_BROKER} ${mode}
				$<TARGET_FILE:city_sign>)
	endforeach()
endif()
# The kiosk library (scan path, sessions, venue, devices, reporter) with the simulated hal: a
# scan judged without running the loop.
passgate_test(test_kiosk LABEL unit SOURCES unit/test_kiosk.c LIBS passgated_kiosk)
