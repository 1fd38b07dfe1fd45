# Install rules: the shared library, public headers, an exported CMake
# package (find_package(curator CONFIG)) with a version file, a pkg-config
# file, and the two programs.
include(CMakePackageConfigHelpers)

install(TARGETS curator EXPORT curatorTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/libcurator/include/curator"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/libcurator/include/curator/version.hpp"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/curator)
install(EXPORT curatorTargets NAMESPACE curator::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/curator)

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/curatorConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/curatorConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/curator)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/curatorConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/curatorConfig.cmake"
              "${PROJECT_BINARY_DIR}/curatorConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/curator)

# The .pc file finds its prefix relative to itself, so the package can be
# installed under any --prefix.
file(RELATIVE_PATH CURATOR_PC_PREFIX_FROM_PCDIR
     "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" CURATOR_PC_PREFIX_FROM_PCDIR "${CURATOR_PC_PREFIX_FROM_PCDIR}")
configure_file("${PROJECT_SOURCE_DIR}/cmake/curator.pc.in" "${PROJECT_BINARY_DIR}/curator.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/curator.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(CURATOR_BUILD_APPS)
  install(TARGETS curator-server curatorctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
