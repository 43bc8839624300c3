package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.ffi.opencl.ClDevice;
import dev.harmonics.ffi.opencl.ClProgram;
import dev.harmonics.ffi.opencl.OpenCl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the backend's programs offline with a device's own compiler and writes the binaries the
 * {@link dev.harmonics.kernel.Backend#FPGA FPGA} backend loads: {@code <program>.bin} and {@code
 * <program>.sha256} per program. With a real FPGA the vendor's offline compiler takes this role
 * (it writes the bitstream under the same name); with PoCL this class is how the tests get
 * binaries.
 *
 * <p>Command line: {@code FpgaBinaryBuilder <type:index> <directory>}, e.g. {@code cpu:0
 * target/fpga-binaries}.
 */
public final class FpgaBinaryBuilder {

  private static final System.Logger LOG = System.getLogger(FpgaBinaryBuilder.class.getName());

  private FpgaBinaryBuilder() {}

  /** Compiles every program for {@code device} and writes the binaries into {@code directory}. */
  public static List<Path> build(ClDevice device, Path directory) throws IOException {
    Files.createDirectories(directory);
    List<Path> written = new ArrayList<>();
    try (ClContext context = OpenCl.load().createContext(device)) {
      for (Program program : Program.values()) {
        try (ClProgram built = context.programFromSource(program.source(),
            ProgramLoader.options(device))) {
          Path bin = BinaryProgramLoader.binary(directory, program);
          Files.write(bin, built.binary());
          Files.writeString(BinaryProgramLoader.hashFile(directory, program), program.sourceHash()
              + "\n", StandardCharsets.UTF_8);
          written.add(bin);
        }
      }
    }
    return written;
  }

  /** Resolves a {@code type:index} selector against the installed platforms. */
  public static ClDevice device(String selector) {
    return DeviceSelector.parse(selector, "device").select(OpenCl.load().platforms());
  }

  /** {@code FpgaBinaryBuilder <type:index> <directory>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: FpgaBinaryBuilder <type:index> <directory>"
          + " (got " + args.length + " arguments)");
    }
    ClDevice device = device(args[0]);
    for (Path written : build(device, Path.of(args[1]))) {
      LOG.log(System.Logger.Level.INFO, "wrote " + written + " for " + device.describe());
    }
  }
}
