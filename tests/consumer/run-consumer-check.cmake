# Installs the build into a private prefix, then builds and runs the consumer
# project against it, once through find_package and once through pkg-config.
# Arguments: SOURCE_DIR BUILD_DIR WORK_DIR CXX_FLAGS SANITIZE
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

set(flags "${CXX_FLAGS}")
if(SANITIZE)
  string(APPEND flags " -fsanitize=address,undefined -fno-sanitize=vptr")
endif()

run("${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}/tests/consumer" -B "${WORK_DIR}/build" -G Ninja
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_CXX_FLAGS=${flags}")
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
message(STATUS "find_package consumer: ${last_output}")
# Without arguments the example prints its usage and exits 2: it links and runs.
execute_process(COMMAND "${WORK_DIR}/build/upload_one_file" RESULT_VARIABLE rc
                OUTPUT_QUIET ERROR_VARIABLE usage)
if(NOT rc EQUAL 2 OR NOT usage MATCHES "usage: upload_one_file")
  message(FATAL_ERROR "upload_one_file from the installed package: exit ${rc}\n${usage}")
endif()

file(GLOB_RECURSE pc_files "${prefix}/*/curator.pc")
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir "${pc_file}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
run(pkg-config --cflags --libs curator)
string(STRIP "${last_output}" pc_flags)
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(extra UNIX_COMMAND "${flags}")
run(c++ ${extra} "${SOURCE_DIR}/tests/consumer/main.cpp" -o "${WORK_DIR}/consumer-pc" ${pc_flags})
run("${WORK_DIR}/consumer-pc")
message(STATUS "pkg-config consumer: ${last_output}")
