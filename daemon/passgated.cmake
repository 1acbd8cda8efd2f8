# passgated: the daemon frame (config, loop, clock guard, pass-back, log) as a static library
# that the unit tests link module by module; the kiosk (scan path, sessions, venue state,
# devices, reporter) as a second library that unit tests link with the simulated hal; and the
# executable, which is main.c alone.
add_library(passgated_core STATIC
	${CMAKE_CURRENT_SOURCE_DIR}/config.c
	${CMAKE_CURRENT_SOURCE_DIR}/loop.c
	${CMAKE_CURRENT_SOURCE_DIR}/clockguard.c
	${CMAKE_CURRENT_SOURCE_DIR}/passback.c
	${CMAKE_CURRENT_SOURCE_DIR}/log.c
	${CMAKE_CURRENT_SOURCE_DIR}/hwconfig.c
	${CMAKE_CURRENT_SOURCE_DIR}/party.c)
target_include_directories(passgated_core PUBLIC ${CMAKE_SOURCE_DIR})
target_compile_definitions(passgated_core PRIVATE PASSGATE_DATADIR="${PASSGATE_DATADIR}")
target_link_libraries(passgated_core PUBLIC passgate_credential passgate_events passgate_rules
	PRIVATE PkgConfig::INIH PkgConfig::SYSTEMD)

add_library(passgated_kiosk STATIC
	${CMAKE_CURRENT_SOURCE_DIR}/kiosk.c
	${CMAKE_CURRENT_SOURCE_DIR}/session.c
	${CMAKE_CURRENT_SOURCE_DIR}/venue.c
	${CMAKE_CURRENT_SOURCE_DIR}/devices.c
	${CMAKE_CURRENT_SOURCE_DIR}/reporter.c)
target_link_libraries(passgated_kiosk PUBLIC passgated_core passgate_events passgate_rules
	passgate_hal PRIVATE PkgConfig::JANSSON)

add_executable(passgated ${CMAKE_CURRENT_SOURCE_DIR}/main.c)
target_compile_definitions(passgated PRIVATE PASSGATE_VERSION="${PROJECT_VERSION}"
	PASSGATE_SYSCONFDIR="${PASSGATE_SYSCONFDIR}")
target_link_libraries(passgated PRIVATE passgated_kiosk)
install(TARGETS passgated RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
# The sample goes to the data directory (the unit compares /etc's file with it: an unedited sample
# is not started), and to /etc/passgate only when no configuration is there yet: reinstalling must
# never overwrite the operator's file. Both follow `cmake --install --prefix`.
install(FILES ${CMAKE_SOURCE_DIR}/etc/passgated.conf
	DESTINATION ${PASSGATE_INSTALL_DATADIR} RENAME passgated.conf.sample)
install(CODE "
	set(dir \"${PASSGATE_INSTALL_SYSCONFDIR}\")
	if(NOT IS_ABSOLUTE \"\${dir}\")
		set(dir \"\${CMAKE_INSTALL_PREFIX}/\${dir}\")
	endif()
	if(NOT EXISTS \"\$ENV{DESTDIR}\${dir}/passgated.conf\")
		file(INSTALL \"${CMAKE_SOURCE_DIR}/etc/passgated.conf\" DESTINATION \"\${dir}\")
	endif()")
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/passgated.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/passgated.conf.5
	DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/passgate.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
