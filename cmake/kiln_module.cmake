# kiln_module(NAME SRCS a.cc b.cc DEPS x y)
#   One static library per module, with an explicit source list; includes are rooted at src/.
function(kiln_module name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_SRCS)
    # A module whose sources are not written yet still configures (header-only for now).
    add_library(kiln_${name} INTERFACE)
    target_include_directories(kiln_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(kiln_${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(kiln_${name} STATIC ${ARG_SRCS})
  target_include_directories(kiln_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kiln_${name} PUBLIC ${ARG_DEPS})
endfunction()

# kiln_module_test(NAME SRCS a_test.cc DEPS kiln_x)
#   One GoogleTest binary per module, registered with ctest.
function(kiln_module_test name)
  if(NOT KILN_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name}_test ${ARG_SRCS})
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name}_test
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES TIMEOUT 300
    DISCOVERY_TIMEOUT 60)
endfunction()
