package dev.harmonics.ffi.loader;

import java.util.Locale;

/**
 * The {@code os-arch} name of the running platform, as the native build names its output folder
 * ({@code cmake/HarmonicsLayout.cmake}): {@code linux-x86_64}, {@code linux-aarch64}, ...
 */
public final class Platform {

  private Platform() {}

  /** The current platform's folder name. */
  public static String current() {
    return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  static String of(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("linux")) {
      os = "linux";
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      os = "darwin";
    } else if (os.startsWith("windows")) {
      os = "windows";
    }
    String arch = osArch.toLowerCase(Locale.ROOT);
    arch = switch (arch) {
      case "amd64", "x86-64", "x64" -> "x86_64";
      case "arm64" -> "aarch64";
      default -> arch;
    };
    return os + "-" + arch;
  }
}
