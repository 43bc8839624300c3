package dev.harmonics.backend.opencl;

import dev.harmonics.ffi.opencl.ClContext;
import dev.harmonics.ffi.opencl.ClProgram;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * FPGA mode: programs come only from offline-compiled binaries in one directory, as FPGA toolchains
 * produce them; nothing is compiled at run time. For each {@link Program} the directory holds
 * {@code <name>.bin} (the device binary) and {@code <name>.sha256} (the SHA-256 of the source it was
 * built from, so binaries of older kernels are refused instead of running with wrong arguments).
 * {@link FpgaBinaryBuilder} writes both.
 */
final class BinaryProgramLoader implements ProgramLoader {

  private final Path directory;

  BinaryProgramLoader(Path directory) {
    this.directory = directory;
  }

  static Path binary(Path directory, Program program) {
    return directory.resolve(baseName(program) + ".bin");
  }

  static Path hashFile(Path directory, Program program) {
    return directory.resolve(baseName(program) + ".sha256");
  }

  private static String baseName(Program program) {
    return program.fileName().substring(0, program.fileName().length() - ".cl".length());
  }

  /** What is missing or stale in {@code directory}; empty when every program can be loaded. */
  static List<String> problems(Path directory) {
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      problems.add(directory + " is not a directory");
      return problems;
    }
    for (Program program : Program.values()) {
      Path bin = binary(directory, program);
      Path hash = hashFile(directory, program);
      if (!Files.isRegularFile(bin) || !Files.isRegularFile(hash)) {
        problems.add("missing " + bin.getFileName() + " or " + hash.getFileName());
        continue;
      }
      try {
        String recorded = Files.readString(hash, StandardCharsets.UTF_8).strip();
        if (!recorded.equals(program.sourceHash())) {
          problems.add(bin.getFileName() + " was built from other sources (sha256 " + recorded
              + ", expected " + program.sourceHash() + ")");
        }
      } catch (IOException e) {
        problems.add("cannot read " + hash + ": " + e.getMessage());
      }
    }
    return problems;
  }

  @Override
  public ClProgram load(ClContext context, Program program) {
    List<String> problems = problems(directory);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("FPGA binaries in " + directory + " cannot be used: "
          + String.join("; ", problems) + " (build them with " + FpgaBinaryBuilder.class.getName()
          + ")");
    }
    try {
      byte[] bytes = Files.readAllBytes(binary(directory, program));
      return context.programFromBinary(bytes, ProgramLoader.options(context.device()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + binary(directory, program), e);
    }
  }

  @Override
  public String describe() {
    return "offline-compiled binaries from " + directory;
  }
}
