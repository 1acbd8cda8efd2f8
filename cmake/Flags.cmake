# Compiler flags of STYLE.md §10: the house warnings as errors, release hardening, sanitizers.
set(PASSGATE_C_WARNINGS
	-Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
	-Wformat=2 -Wconversion -Wsign-conversion -Wvla -Wpointer-arith -Wundef
	-Wcast-align -Wwrite-strings -Wold-style-definition -Wnull-dereference
	-Wimplicit-fallthrough)
set(PASSGATE_CXX_WARNINGS -Wall -Wextra -Werror -Wshadow -Wformat=2)

add_compile_options(
	"$<$<COMPILE_LANGUAGE:C>:${PASSGATE_C_WARNINGS}>"
	"$<$<COMPILE_LANGUAGE:CXX>:${PASSGATE_CXX_WARNINGS}>")
add_compile_definitions(_GNU_SOURCE)

if(PASSGATE_SANITIZE OR PASSGATE_FUZZ)
	set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
	add_compile_options(${_san})
	add_link_options(${_san})
elseif(PASSGATE_HARDEN)
	# _FORTIFY_SOURCE needs optimisation; =3 is honoured by gcc 12 and clang 14.
	add_compile_options(-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong
		-fstack-clash-protection)
	# Control-flow protection is per architecture: CET on x86, PAC/BTI on arm64 (the Pi).
	if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|i.86)$")
		add_compile_options(-fcf-protection)
	elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
		add_compile_options(-mbranch-protection=standard)
	endif()
	add_link_options(-Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -pie)
	set(CMAKE_POSITION_INDEPENDENT_CODE ON)
endif()

if(PASSGATE_FUZZ AND NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
	message(FATAL_ERROR "PASSGATE_FUZZ needs clang (libFuzzer): -DCMAKE_C_COMPILER=clang")
endif()
# libFuzzer needs coverage feedback from the code under test, not only from the target file:
# instrument every library (the targets themselves add -fsanitize=fuzzer, which links the driver).
if(PASSGATE_FUZZ)
	add_compile_options(-fsanitize=fuzzer-no-link)
endif()
