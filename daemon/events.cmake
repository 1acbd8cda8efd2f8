# daemon/events.cmake - passgate_events: the anonymized event builder (events.c), the day keys
# (daykeys.c, libsodium sealed boxes), the city's signed updates (cityupdate.c), the SQLite outbox
# (outbox.c) and the MQTT 5 uplink (uplink.c, libmosquitto). passgated and the CLI link it.
add_library(passgate_events STATIC
	${CMAKE_CURRENT_SOURCE_DIR}/events.c
	${CMAKE_CURRENT_SOURCE_DIR}/daykeys.c
	${CMAKE_CURRENT_SOURCE_DIR}/cityupdate.c
	${CMAKE_CURRENT_SOURCE_DIR}/outbox.c
	${CMAKE_CURRENT_SOURCE_DIR}/uplink.c)
target_include_directories(passgate_events PUBLIC ${CMAKE_SOURCE_DIR})
target_link_libraries(passgate_events
	PUBLIC passgate_credential PkgConfig::JANSSON
	PRIVATE PkgConfig::SQLITE PkgConfig::MOSQUITTO PkgConfig::SODIUM)
