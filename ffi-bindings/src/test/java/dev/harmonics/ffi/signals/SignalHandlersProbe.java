package dev.harmonics.ffi.signals;

import dev.harmonics.ffi.opencl.ClBuffer;
import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClKernel;
import dev.harmonics.ffi.opencl.ClProgram;
import dev.harmonics.ffi.opencl.OpenCl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link JvmSignalHandlersTest}: notes every signal's handler, compiles and
 * runs an OpenCL kernel whose source is new to the driver (so PoCL cannot take it from its own
 * cache and has to run LLVM), then prints {@code changed=} the signals whose handler differs,
 * {@code chaining=} whether libjsig is loaded, {@code guard=} whether the guard restores handlers
 * and {@code result=} whether the kernel wrote what it should.
 */
final class SignalHandlersProbe {

  private static final int SIGNALS = 31;

  private SignalHandlersProbe() {}

  public static void main(String[] args) {
    long[] before = handlers();
    OpenCl cl = OpenCl.load();
    ClDevice device = cl.platforms().get(0).devices().get(0);
    long nonce = System.nanoTime();
    String source = "__kernel void fill(__global int* out) {"
        + " out[get_global_id(0)] = (int) (" + nonce + "L % 1000) + (int) get_global_id(0); }";
    int n = 37;
    try (ClContext context = cl.createContext(device);
        ClProgram program = context.programFromSource(source, "");
        ClKernel kernel = program.kernel("fill");
        ClBuffer buffer = context.allocate(4L * n);
        Arena arena = Arena.ofConfined()) {
      kernel.arg(0, buffer);
      context.launch(kernel, new long[] {n}, null).await();
      MemorySegment out = arena.allocate(4L * n);
      context.read(buffer, 0, out);
      boolean right = true;
      for (int i = 0; i < n; i++) {
        right &= out.getAtIndex(ValueLayout.JAVA_INT, i) == (int) (nonce % 1000) + i;
      }
      System.out.println("result=" + (right ? "right" : "wrong"));
    }
    long[] after = handlers();
    List<String> changed = new ArrayList<>();
    for (int signal = 1; signal <= SIGNALS; signal++) {
      if (before[signal] != after[signal]) {
        changed.add(Integer.toString(signal));
      }
    }
    System.out.println("changed=" + String.join(",", changed));
    System.out.println("chaining=" + JvmSignalHandlers.chainingLibraryLoaded());
    System.out.println("guard=" + JvmSignalHandlers.save("the probe").active());
  }

  private static long[] handlers() {
    long[] handlers = new long[SIGNALS + 1];
    for (int signal = 1; signal <= SIGNALS; signal++) {
      if (signal != 9 && signal != 19) {
        handlers[signal] = JvmSignalHandlers.installedHandler(signal);
      }
    }
    return handlers;
  }
}
