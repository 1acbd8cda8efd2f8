# Tests of hal/: owned with that module. Unit tests link passgate_hal only.
passgate_test(test_hal_gpio LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_gpio.c
	LIBS passgate_hal)
passgate_test(test_hal_camera LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_camera.c
	LIBS passgate_hal)
passgate_test(test_hal_printer LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_printer.c
	LIBS passgate_hal)
passgate_test(test_hal_receipt LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_receipt.c
	LIBS passgate_hal passgate_preview)
passgate_test(test_hal_decode LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_decode.c
	LIBS passgate_hal)
passgate_test(test_hal_binarize LABEL unit
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_binarize.c LIBS passgate_hal)
passgate_test(test_hal_image LABEL unit SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_hal_image.c
	LIBS passgate_hal)
passgate_fuzz(fuzz_hal_image SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_hal_image.c
	LIBS passgate_hal)
passgate_fuzz(fuzz_hal_buttons SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_hal_buttons.c
	LIBS passgate_hal)
passgate_script_test(hal_cli LABEL integration
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/integration/hal_cli.sh)
include(${CMAKE_SOURCE_DIR}/bench/decode.cmake)
# Acceptance: passgate decode reads at least as many corpus images as zbarimg (bench/decode.md).
if(ZBARIMG)
	passgate_script_test(hal_decode_readrate LABEL conformance TIMEOUT 1200
		COMMAND env READRATE_CHECK=1 sh ${CMAKE_SOURCE_DIR}/bench/decode-readrate.sh)
endif()
