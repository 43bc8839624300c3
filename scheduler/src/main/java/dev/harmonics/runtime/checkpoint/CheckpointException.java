package dev.harmonics.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file was refused: not a checkpoint, another format version, truncated, corrupted,
 * or saved from another graph. The message names the file and what was wrong; nothing was loaded.
 */
public final class CheckpointException extends IOException {

  /** A refusal of {@code file} because of {@code reason}. */
  public CheckpointException(Path file, String reason) {
    super("checkpoint " + file + ": " + reason);
  }

  /** A refusal with the exception that revealed it. */
  public CheckpointException(Path file, String reason, Throwable cause) {
    super("checkpoint " + file + ": " + reason, cause);
  }
}
