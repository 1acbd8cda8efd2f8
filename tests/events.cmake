# Tests of daemon/ events, outbox, uplink, day keys and city updates (issue 5).
# Unit tests link only passgate_events; integration tests start a real mosquitto on a free
# loopback port (tests/integration/events_*.py) and drive tests/integration/uplink_publisher.

if(TARGET passgate_events)
	add_executable(uplink_publisher ${CMAKE_CURRENT_SOURCE_DIR}/integration/uplink_publisher.c)
	target_link_libraries(uplink_publisher PRIVATE passgate_events)
	target_include_directories(uplink_publisher PRIVATE ${CMAKE_SOURCE_DIR})
	add_executable(city_sign ${CMAKE_CURRENT_SOURCE_DIR}/integration/city_sign.c)
	target_link_libraries(city_sign PRIVATE passgate_events PkgConfig::SODIUM)
	target_include_directories(city_sign PRIVATE ${CMAKE_SOURCE_DIR})
endif()

passgate_test(test_events LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_events.c
	LIBS passgate_events PkgConfig::JANSSON)
passgate_test(test_events_city LABEL unit
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_events_city.c
	LIBS passgate_events PkgConfig::SODIUM)
passgate_test(test_events_city_store LABEL unit
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_events_city_store.c
	LIBS passgate_events PkgConfig::SODIUM PkgConfig::JANSSON)
passgate_test(test_codes LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_codes.c
	LIBS passgate_events PkgConfig::JANSSON PkgConfig::SODIUM)
passgate_test(test_outbox LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_outbox.c
	LIBS passgate_events)

# Integration: a real broker (MOSQUITTO_BROKER) on a free loopback port, the publisher, the CLI.
find_program(PASSGATE_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT PASSGATE_PYTHON3)
	find_program(PASSGATE_PYTHON3 python3 REQUIRED)
endif()
if(MOSQUITTO_BROKER)
	foreach(mode delivery acl privacy tls)
		passgate_script_test(events_uplink_${mode} LABEL integration TIMEOUT 120
			COMMAND ${PASSGATE_PYTHON3}
				${CMAKE_CURRENT_SOURCE_DIR}/integration/events_uplink.py
				${MOSQUITTO_BROKER} $<TARGET_FILE:uplink_publisher> ${mode})
	endforeach()
endif()

# The city's last alert kept in the state dir, applied at start with the broker unreachable.
if(TARGET passgated AND TARGET city_sign)
	passgate_script_test(events_city_restore LABEL integration TIMEOUT 60
		COMMAND ${PASSGATE_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/integration/events_city_restore.py
			$<TARGET_FILE:passgated> $<TARGET_FILE:city_sign>)
endif()

# Fuzz: every parser of what the city sends (STYLE.md §11).
passgate_fuzz(fuzz_events_city SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_events_city.c
	LIBS passgate_events)
passgate_fuzz(fuzz_events_daykeys SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_events_daykeys.c
	LIBS passgate_events)
# The codes a kiosk reads from a visitor's QR: receipt codes and booking codes (issue 13).
passgate_fuzz(fuzz_codes_receipt SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_codes_receipt.c
	LIBS passgate_events)
passgate_fuzz(fuzz_codes_booking SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_codes_booking.c
	LIBS passgate_events)

# The city's trust update body (events/trustupdate.c): replace semantics, all or nothing, the
# city's builder, DSC lists and revocations end to end through a signed update.
passgate_test(test_trustupdate LABEL unit
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_trustupdate.c
	LIBS passgate_events PkgConfig::SODIUM)
passgate_fuzz(fuzz_trustupdate SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_trustupdate.c
	${CMAKE_SOURCE_DIR}/events/trustupdate.c ${CMAKE_SOURCE_DIR}/credential/trust_revoke.c
	LIBS passgate_events passgate_credential PkgConfig::JANSSON PkgConfig::SQLITE)
