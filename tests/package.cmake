# Packaging (issue 14): the Debian packages built by scripts/package (a fixture the other tests
# need), lintian on each, and each package installed, run, reloaded and purged in a clean
# bookworm container (tests/package/). The container tests skip (code 77) with a message where
# the machine cannot make one; the first run debootstraps the cached root (a few minutes).
passgate_script_test(package_build LABEL integration TIMEOUT 1200
	COMMAND ${CMAKE_SOURCE_DIR}/scripts/package)
set_tests_properties(package_build PROPERTIES FIXTURES_SETUP debs)
passgate_script_test(package_lintian LABEL integration TIMEOUT 300
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/package/lintian.sh ${CMAKE_SOURCE_DIR}/build/deb)
foreach(pkg passgate)
	passgate_script_test(package_container_${pkg} LABEL integration TIMEOUT 1200
		COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/package/deb_container.sh
			${CMAKE_SOURCE_DIR}/build/deb ${pkg})
	set_tests_properties(package_container_${pkg} PROPERTIES SKIP_RETURN_CODE 77)
	set_property(TEST package_container_${pkg} PROPERTY FIXTURES_REQUIRED debs)
endforeach()
set_tests_properties(package_lintian PROPERTIES FIXTURES_REQUIRED debs SKIP_RETURN_CODE 77)
passgate_script_test(package_install_prefix LABEL integration TIMEOUT 120
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/package/install_prefix.sh ${CMAKE_BINARY_DIR}
		${CMAKE_INSTALL_FULL_SBINDIR})
