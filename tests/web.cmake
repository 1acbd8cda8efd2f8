# Tests of web/ (issue 12): the pages' pure modules under node (unit), and both pages in
# headless chromium (Debian's /usr/bin/chromium driven by playwright-core from web/package.json)
# against a real mosquitto serving web/ over WebSockets (integration). npm packages come from
# web/package-lock.json through scripts/web-vendor, which the browser test runs first.
find_program(PASSGATE_NODE node)

passgate_script_test(web_modules LABEL unit TIMEOUT 60
	COMMAND ${PASSGATE_NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/unit/web_modules.test.mjs)

if(MOSQUITTO_BROKER AND TARGET city_sign)
	passgate_script_test(web_dashboard LABEL integration TIMEOUT 240
		COMMAND ${PASSGATE_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/integration/web_dashboard.mjs
			${MOSQUITTO_BROKER} $<TARGET_FILE:city_sign>)
	# npm ci rewrites web/node_modules: never two at once.
	set_tests_properties(web_dashboard PROPERTIES RESOURCE_LOCK passgate_web)
endif()
