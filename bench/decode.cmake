# The decoder benchmark: passgate's QR decoder against libzbar (libzbar-dev, for this benchmark
# only). Included from tests/hal.cmake; built only when zbar's pkg-config file is present.
pkg_check_modules(ZBAR IMPORTED_TARGET zbar)
if(ZBAR_FOUND)
	add_executable(decode_bench ${CMAKE_SOURCE_DIR}/bench/decode_bench.c)
	target_link_libraries(decode_bench PRIVATE passgate_hal PkgConfig::ZBAR)
	target_include_directories(decode_bench PRIVATE ${CMAKE_SOURCE_DIR})
	target_compile_options(decode_bench PRIVATE -Wno-conversion -Wno-sign-conversion
		-Wno-double-promotion -Wno-missing-prototypes)
endif()
# The hard-frame corpus and read-rate bench (bench/hardframes.sh): camera path, CLI and zbar.
if(ZBAR_FOUND)
	add_executable(hardframes ${CMAKE_SOURCE_DIR}/bench/hardframes.c)
	target_link_libraries(hardframes PRIVATE passgate_hal PkgConfig::ZBAR m)
	target_include_directories(hardframes PRIVATE ${CMAKE_SOURCE_DIR})
	target_compile_options(hardframes PRIVATE -Wno-conversion -Wno-sign-conversion
		-Wno-double-promotion -Wno-missing-prototypes -Wno-float-equal)
endif()
