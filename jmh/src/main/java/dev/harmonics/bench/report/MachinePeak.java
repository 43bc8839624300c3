package dev.harmonics.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine's FP32 compute peak: float lanes of the widest SIMD unit x 2 (a fused multiply-add
 * is two flops) x FMA units per core x clock x threads.
 *
 * <p>Lanes and clock come from {@code /proc/cpuinfo} (AVX-512: 16 lanes, AVX2: 8, else 4; the
 * highest "cpu MHz", or cpufreq's maximum when the kernel exposes it). The number of FMA units is
 * not visible to software; it defaults to 2 (server cores with AVX-512 have two) and, like the
 * others, can be set: {@code -Dharmonics.bench.lanes}, {@code -Dharmonics.bench.fmaUnits},
 * {@code -Dharmonics.bench.ghz}.
 */
record MachinePeak(int floatLanes, int fmaUnits, double gigahertz, int cores) {

  private static final Path CPUINFO = Path.of("/proc/cpuinfo");
  private static final Path MAX_FREQ_KHZ =
      Path.of("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  private static final double UNKNOWN_GHZ = Double.NaN;

  /** This machine, with the overrides of the system properties. */
  static MachinePeak detect() {
    List<String> cpuinfo = readLines(CPUINFO);
    int lanes = Integer.getInteger("harmonics.bench.lanes", lanesFromFlags(cpuinfo));
    int fmaUnits = Integer.getInteger("harmonics.bench.fmaUnits", 2);
    String ghz = System.getProperty("harmonics.bench.ghz");
    double clock = ghz != null ? Double.parseDouble(ghz) : clockFromSystem(cpuinfo);
    return new MachinePeak(lanes, fmaUnits, clock, Runtime.getRuntime().availableProcessors());
  }

  /** Peak GFLOP/s of {@code threads} cores; NaN when the clock is unknown. */
  double gflops(int threads) {
    return floatLanes * 2.0 * fmaUnits * gigahertz * threads;
  }

  /** One line for the report, e.g. "147 GFLOP/s per core (16 lanes x 2 x 2 FMA units x 2.30 GHz)". */
  String describe() {
    if (Double.isNaN(gigahertz)) {
      return "unknown (no clock in /proc/cpuinfo; set -Dharmonics.bench.ghz)";
    }
    return String.format(Locale.ROOT,
        "%.0f GFLOP/s per core, %.0f on %d cores (%d float lanes x 2 flops x %d FMA units x %.2f GHz)",
        gflops(1), gflops(cores), cores, floatLanes, fmaUnits, gigahertz);
  }

  static int lanesFromFlags(List<String> cpuinfo) {
    String flags = cpuinfo.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
    if (flags.contains(" avx512f")) {
      return 16;
    }
    return flags.contains(" avx2") ? 8 : 4;
  }

  static double clockFromSystem(List<String> cpuinfo) {
    List<String> maxKhz = readLines(MAX_FREQ_KHZ);
    if (!maxKhz.isEmpty()) {
      return Long.parseLong(maxKhz.get(0).trim()) / 1e6;
    }
    return cpuinfo.stream().filter(l -> l.startsWith("cpu MHz"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim()) / 1e3)
        .max().orElse(UNKNOWN_GHZ);
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }
}
