# Tests of credential/: SHC side and DCC side, each in its own fragment.
include(${CMAKE_CURRENT_SOURCE_DIR}/credential-shc.cmake OPTIONAL)
include(${CMAKE_CURRENT_SOURCE_DIR}/credential-dcc.cmake OPTIONAL)
