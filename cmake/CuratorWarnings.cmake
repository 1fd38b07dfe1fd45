# Warnings for the project's own targets (third-party headers come in as SYSTEM).
function(curator_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused
                         -Woverloaded-virtual -Wimplicit-fallthrough
                         # GCC 12 false positives inside libstdc++ at -O2/-O3.
                         -Wno-maybe-uninitialized -Wno-restrict)
  if(CURATOR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
