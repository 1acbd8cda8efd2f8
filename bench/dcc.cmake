# EU DCC verification benchmark (bench/verify-dcc.sh runs it; report in bench/verify-dcc.md).
add_executable(bench_verify_dcc ${CMAKE_CURRENT_SOURCE_DIR}/verify_dcc.c)
target_link_libraries(bench_verify_dcc PRIVATE passgate_credential)
