package dev.harmonics.bench.ffi;

import dev.harmonics.ffi.loader.HarmonicsNativeLibraries;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JNI side of {@link DowncallBenchmark}: one native method implemented in {@code
 * kernels-native/src/jni/noop_jni.c}, a function that returns its argument, the same body as the C
 * library's {@code hn_noop}.
 */
final class JniNoop {

  static {
    try {
      System.load(HarmonicsNativeLibraries.locate("libharmonics_jni_noop.so").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JniNoop() {}

  static native int noop(int x);
}
