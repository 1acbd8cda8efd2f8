# Every third-party library, found once, as Debian bookworm's -dev packages provide them
# (scripts/setup installs them). Each is linked only by the module whose room it is (STYLE.md §2).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
pkg_check_modules(CBOR REQUIRED IMPORTED_TARGET libcbor)
pkg_check_modules(OPENSSL REQUIRED IMPORTED_TARGET libcrypto)
pkg_check_modules(ZLIB REQUIRED IMPORTED_TARGET zlib)
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(MOSQUITTO REQUIRED IMPORTED_TARGET libmosquitto)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
pkg_check_modules(INIH REQUIRED IMPORTED_TARGET inih)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(GPIOD REQUIRED IMPORTED_TARGET libgpiod)
pkg_check_modules(LIBCAMERA REQUIRED IMPORTED_TARGET libcamera)
pkg_check_modules(ZXING REQUIRED IMPORTED_TARGET zxing)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(FREETYPE REQUIRED IMPORTED_TARGET freetype2)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)
pkg_check_modules(CMOCKA IMPORTED_TARGET cmocka)

# libgpiod 2.x is not source-compatible with 1.6 (DESIGN.md, pitfalls): hal/ picks the backend.
if(GPIOD_VERSION VERSION_GREATER_EQUAL 2.0)
	set(PASSGATE_GPIOD_V2 ON)
else()
	set(PASSGATE_GPIOD_V2 OFF)
endif()


find_program(MOSQUITTO_BROKER mosquitto PATHS /usr/sbin /usr/local/sbin)
find_program(ZBARIMG zbarimg)
