# SMART Health Card verification benchmark (bench/verify-shc.sh runs it; report bench/verify.md).
add_executable(bench_verify_shc ${CMAKE_CURRENT_SOURCE_DIR}/verify_shc.c)
target_link_libraries(bench_verify_shc PRIVATE passgate_credential)
