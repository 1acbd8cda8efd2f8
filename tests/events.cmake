# Tests of daemon/ events, outbox, uplink, day keys and city updates (issue 5).
# Unit tests link only passgate_events; integration tests start a real mosquitto on a free
# loopback port (tests/integration/events_*.py) and drive tests/integration/uplink_publisher.

if(TARGET passgate_events)
	add_executable(uplink_publisher ${CMAKE_CURRENT_SOURCE_DIR}/integration/uplink_publisher.c)
	target_link_libraries(uplink_publisher PRIVATE passgate_events)
	target_include_directories(uplink_publisher PRIVATE ${CMAKE_SOURCE_DIR})
endif()
