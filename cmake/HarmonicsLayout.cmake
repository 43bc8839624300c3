# Where native artefacts go inside the install tree, which Maven packs into the kernels-native jar
# as class-path resources. The Java loader (dev.harmonics.ffi.loader) looks in the same places.
#
#   HARMONICS_PLATFORM         linux-x86_64, linux-aarch64, ... (os-arch, as the Java loader says)
#   HARMONICS_INSTALL_LIBDIR   dev/harmonics/native/<platform>: shared libraries
#   HARMONICS_INSTALL_DATADIR  dev/harmonics/native: platform-independent files (PTX, .cl)
include_guard(GLOBAL)

string(TOLOWER "${CMAKE_SYSTEM_NAME}" _harmonics_os)
string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _harmonics_arch)
if(_harmonics_arch STREQUAL "amd64")
  set(_harmonics_arch "x86_64")
elseif(_harmonics_arch STREQUAL "arm64")
  set(_harmonics_arch "aarch64")
endif()
set(HARMONICS_PLATFORM "${_harmonics_os}-${_harmonics_arch}")
set(HARMONICS_INSTALL_LIBDIR "dev/harmonics/native/${HARMONICS_PLATFORM}")
set(HARMONICS_INSTALL_DATADIR "dev/harmonics/native")

# Installs a shared library into the platform folder without a version suffix or symlinks: the jar
# holds one file per library and the loader opens it by that exact name.
function(harmonics_install_library target)
  set_target_properties(${target} PROPERTIES
    C_VISIBILITY_PRESET hidden
    PREFIX "lib"
    BUILD_RPATH "$ORIGIN"
    INSTALL_RPATH "$ORIGIN")
  install(TARGETS ${target} LIBRARY DESTINATION "${HARMONICS_INSTALL_LIBDIR}")
endfunction()
