package dev.harmonics.ffi.cuda;

import dev.harmonics.kernel.Availability;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * NVRTC, CUDA's run-time compiler ({@code libnvrtc.so.*} of a CUDA installation), through FFM:
 * compiles CUDA C++ source to PTX for the device at hand when no prebuilt PTX or cubin fits it.
 *
 * <p>Loaded once, on first use; {@link #availability()} says why not. A failed compilation throws
 * a {@link CudaException} whose message carries the compiler's log.
 */
@SuppressWarnings("restricted")
public final class Nvrtc {

  private static final ValueLayout I32 = ValueLayout.JAVA_INT;
  private static final ValueLayout I64 = ValueLayout.JAVA_LONG;
  private static final ValueLayout PTR = ValueLayout.ADDRESS;

  private final SharedLibrary library;
  private final MethodHandle version;
  private final MethodHandle createProgram;
  private final MethodHandle compileProgram;
  private final MethodHandle logSize;
  private final MethodHandle log;
  private final MethodHandle ptxSize;
  private final MethodHandle ptx;
  private final MethodHandle destroyProgram;

  private Nvrtc(SharedLibrary library) {
    this.library = library;
    version = bind("nvrtcVersion", FunctionDescriptor.of(I32, PTR, PTR));
    createProgram = bind("nvrtcCreateProgram",
        FunctionDescriptor.of(I32, PTR, PTR, PTR, I32, PTR, PTR));
    compileProgram = bind("nvrtcCompileProgram", FunctionDescriptor.of(I32, PTR, I32, PTR));
    logSize = bind("nvrtcGetProgramLogSize", FunctionDescriptor.of(I32, PTR, PTR));
    log = bind("nvrtcGetProgramLog", FunctionDescriptor.of(I32, PTR, PTR));
    ptxSize = bind("nvrtcGetPTXSize", FunctionDescriptor.of(I32, PTR, PTR));
    ptx = bind("nvrtcGetPTX", FunctionDescriptor.of(I32, PTR, PTR));
    destroyProgram = bind("nvrtcDestroyProgram", FunctionDescriptor.of(I32, PTR));
  }

  private MethodHandle bind(String symbol, FunctionDescriptor descriptor) {
    return Linker.nativeLinker().downcallHandle(library.require(symbol), descriptor);
  }

  /** Whether NVRTC loaded, with the reason if not. Never throws. */
  public static Availability availability() {
    return Holder.AVAILABILITY;
  }

  /** The loaded compiler, or an {@link UnsupportedOperationException} saying why not. */
  public static Nvrtc load() {
    if (Holder.INSTANCE == null) {
      throw new UnsupportedOperationException(
          "NVRTC is unavailable: " + Holder.AVAILABILITY.reason());
    }
    return Holder.INSTANCE;
  }

  /**
   * Opens NVRTC from a given library file instead of searching for it, e.g. a CUDA installation
   * outside the usual places.
   *
   * @throws UnsupportedOperationException if the file cannot be loaded or is not NVRTC
   */
  public static Nvrtc open(Path library) {
    loadBuiltinsBeside(library);
    SharedLibrary opened = SharedLibrary.open("libnvrtc at " + library,
        List.of(library.toAbsolutePath().toString()), null, List.of());
    if (!opened.isLoaded()) {
      throw new UnsupportedOperationException(opened.failure());
    }
    Nvrtc nvrtc = new Nvrtc(opened);
    nvrtc.version();
    return nvrtc;
  }

  /** NVRTC's version as {@code {major, minor}}. */
  public int[] version() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment major = arena.allocate(I32);
      MemorySegment minor = arena.allocate(I32);
      NvrtcResult.check("nvrtcVersion", (int) version.invokeExact(major, minor), null);
      return new int[] {major.get(ValueLayout.JAVA_INT, 0), minor.get(ValueLayout.JAVA_INT, 0)};
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  /**
   * Compiles {@code source} to PTX.
   *
   * @param name the program's name in messages, e.g. {@code softmax.cu}
   * @param headers sources that {@code #include "name"} finds, by name
   * @param options compiler options, e.g. {@code --gpu-architecture=compute_86}
   * @return the PTX text
   * @throws CudaException naming the failed call; a compile error carries the log
   */
  public String compileToPtx(String source, String name, Map<String, String> headers,
      List<String> options) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment programOut = arena.allocate(PTR);
      MemorySegment headerSources = strings(arena, List.copyOf(headers.values()));
      MemorySegment headerNames = strings(arena, List.copyOf(headers.keySet()));
      NvrtcResult.check("nvrtcCreateProgram", (int) createProgram.invokeExact(programOut,
          arena.allocateFrom(source), arena.allocateFrom(name), headers.size(), headerSources,
          headerNames), name);
      MemorySegment program = programOut.get(ValueLayout.ADDRESS, 0);
      try {
        int code = (int) compileProgram.invokeExact(program, options.size(),
            strings(arena, options));
        if (code != NvrtcResult.SUCCESS) {
          throw new CudaException("nvrtcCompileProgram", code, NvrtcResult.name(code),
              name + " with " + options + "\n" + log(arena, program));
        }
        MemorySegment size = arena.allocate(I64);
        NvrtcResult.check("nvrtcGetPTXSize", (int) ptxSize.invokeExact(program, size), name);
        MemorySegment text = arena.allocate(size.get(ValueLayout.JAVA_LONG, 0));
        NvrtcResult.check("nvrtcGetPTX", (int) ptx.invokeExact(program, text), name);
        return text.getString(0, StandardCharsets.UTF_8);
      } finally {
        NvrtcResult.check("nvrtcDestroyProgram", (int) destroyProgram.invokeExact(programOut),
            name);
      }
    } catch (Throwable t) {
      throw CudaDriver.rethrow(t);
    }
  }

  private String log(Arena arena, MemorySegment program) throws Throwable {
    MemorySegment size = arena.allocate(I64);
    NvrtcResult.check("nvrtcGetProgramLogSize", (int) logSize.invokeExact(program, size), null);
    MemorySegment text = arena.allocate(Math.max(1, size.get(ValueLayout.JAVA_LONG, 0)));
    NvrtcResult.check("nvrtcGetProgramLog", (int) log.invokeExact(program, text), null);
    return text.getString(0, StandardCharsets.UTF_8);
  }

  /**
   * NVRTC opens {@code libnvrtc-builtins.so.*} by name when it compiles; outside the dynamic
   * linker's search path that fails with NVRTC_ERROR_BUILTIN_OPERATION_FAILURE. Loading the copy
   * beside libnvrtc first lets that lookup find it already loaded.
   */
  private static void loadBuiltinsBeside(Path library) {
    Path dir = library.toAbsolutePath().getParent();
    if (dir == null) {
      return;
    }
    SharedLibrary.open("libnvrtc-builtins beside " + library, List.of(),
        Pattern.compile("libnvrtc-builtins\\.so\\.\\d+(\\.\\d+)*"), List.of(dir));
  }

  private static MemorySegment strings(Arena arena, List<String> values) {
    if (values.isEmpty()) {
      return MemorySegment.NULL;
    }
    MemorySegment array = arena.allocate(PTR, values.size());
    for (int i = 0; i < values.size(); i++) {
      array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
    }
    return array;
  }

  private static final class Holder {
    static final Nvrtc INSTANCE;
    static final Availability AVAILABILITY;

    static {
      Nvrtc loaded = null;
      Availability availability;
      SharedLibrary library = SharedLibrary.open("libnvrtc (CUDA's run-time compiler)",
          List.of("libnvrtc.so"), Pattern.compile("libnvrtc\\.so\\.\\d+(\\.\\d+)*"),
          SharedLibrary.searchDirectories());
      if (!library.isLoaded()) {
        availability = Availability.no(library.failure());
      } else {
        try {
          if (library.location().startsWith("/")) {
            loadBuiltinsBeside(Path.of(library.location()));
          }
          loaded = new Nvrtc(library);
          int[] v = loaded.version();
          availability = Availability.yes("NVRTC " + v[0] + "." + v[1] + " from "
              + library.location());
        } catch (RuntimeException | LinkageError e) {
          loaded = null;
          availability = Availability.no("libnvrtc from " + library.location()
              + " cannot be used: " + e.getMessage());
        }
      }
      INSTANCE = loaded;
      AVAILABILITY = availability;
    }
  }
}
