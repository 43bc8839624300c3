package dev.harmonics.ffi.nativekernels;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * One C function bound twice: as an ordinary downcall and as a critical one.
 *
 * <p>A critical downcall ({@link Linker.Option#critical(boolean)} with heap access) skips the
 * thread state transition, which makes a short call several times cheaper and lets it read Java
 * arrays in place, but it holds off safepoints (every GC, every other thread reaching one) for the
 * call's duration. So: critical for short calls, and for heap segments (the only way to pass them
 * without a copy); ordinary for long calls on native memory, so a long GEMM never stalls the VM.
 */
record Downcall(String name, MethodHandle plain, MethodHandle critical) {

  @SuppressWarnings("restricted")
  static Downcall bind(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
    MemorySegment symbol = lookup.find(name).orElseThrow(() -> new IllegalStateException(
        "libharmonics_native has no symbol " + name + " (an older or foreign build?)"));
    Linker linker = Linker.nativeLinker();
    return new Downcall(name, linker.downcallHandle(symbol, descriptor),
        linker.downcallHandle(symbol, descriptor, Linker.Option.critical(true)));
  }

  /** The critical handle when the call is short or a segment lives on the heap. */
  MethodHandle choose(boolean shortCall, MemorySegment... segments) {
    if (shortCall) {
      return critical;
    }
    for (MemorySegment segment : segments) {
      if (!segment.isNative()) {
        return critical;
      }
    }
    return plain;
  }
}
