# Compiler flags per x86 instruction set level. Kernels are compiled once per level (as separate
# object libraries with these flags) and the library picks one at run time from cpuid, so one
# binary runs fast on AVX-512 servers and still runs on a plain x86-64 machine.
#
#   harmonics_isa_flags(<isa> <out-var>)  isa: generic | avx2 | avx512 | avx512vnni
#   HARMONICS_ISA_LEVELS                 the levels this compiler can build
include_guard(GLOBAL)
include(CheckCCompilerFlag)

set(_harmonics_flags_generic "")
set(_harmonics_flags_avx2 -mavx2 -mfma -mf16c)
set(_harmonics_flags_avx512 -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma -mf16c)
set(_harmonics_flags_avx512vnni ${_harmonics_flags_avx512} -mavx512vnni)

function(harmonics_isa_flags isa out)
  set(${out} ${_harmonics_flags_${isa}} PARENT_SCOPE)
endfunction()

set(HARMONICS_ISA_LEVELS generic)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  foreach(isa avx2 avx512 avx512vnni)
    string(REPLACE ";" " " _flags "${_harmonics_flags_${isa}}")
    set(CMAKE_REQUIRED_FLAGS "${_flags}")
    check_c_compiler_flag("" HARMONICS_CC_HAS_${isa})
    unset(CMAKE_REQUIRED_FLAGS)
    if(HARMONICS_CC_HAS_${isa})
      list(APPEND HARMONICS_ISA_LEVELS ${isa})
    endif()
  endforeach()
endif()

# Flags for every object: optimise, keep IEEE semantics (NaN and infinity must propagate as the
# Java reference says, so no -ffast-math), and no errno from libm so loops can vectorise.
set(HARMONICS_C_FLAGS -O3 -fno-math-errno -fno-trapping-math -fPIC -Wall -Wextra
  -Wno-unused-parameter -Wno-psabi)
