package dev.harmonics.ffi.nativekernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The instruction set levels libharmonics_native is compiled for, lowest first; the numbers are the
 * C library's {@code HN_ISA_*} values. A CPU with one level has every level below it.
 */
public enum Isa {
  /** Portable C, vectorised for the x86-64 baseline (SSE2) only. */
  GENERIC,
  /** AVX2 and FMA: 256-bit vectors. */
  AVX2,
  /** AVX-512 F/BW/DQ/VL: 512-bit vectors. */
  AVX512,
  /** AVX-512 plus VNNI ({@code vpdpbusd}) for the int8 GEMM. */
  AVX512_VNNI;

  /** The name the C library and the {@code harmonics.native.isa} property use, e.g. avx512-vnni. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Isa ofLevel(int level) {
    if (level < 0 || level >= values().length) {
      throw new IllegalStateException("libharmonics_native reports unknown ISA level " + level);
    }
    return values()[level];
  }

  /** Parses an {@link #id()}, ignoring case and accepting {@code _} for {@code -}. */
  public static Isa fromId(String id) {
    String wanted = id.trim().replace('_', '-');
    for (Isa isa : values()) {
      if (isa.id().equalsIgnoreCase(wanted)) {
        return isa;
      }
    }
    throw new IllegalArgumentException("unknown ISA level '" + id + "' (expected one of: "
        + Arrays.stream(values()).map(Isa::id).collect(Collectors.joining(", ")) + ")");
  }
}
