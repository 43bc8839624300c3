package dev.harmonics.transport;

import dev.harmonics.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One named tensor on its way between partitions, with an optional proof: opaque bytes the secure
 * mode's hash chain attaches, carried unchanged and never interpreted by a transport.
 *
 * @param name what the tensor is (a boundary name such as {@code "dense1/out"}); 1 to
 *     {@link #MAX_NAME_BYTES} bytes of UTF-8
 * @param tensor the data, any dtype and shape (including empty and rank 0); it must be contiguous
 * @param proof the proof bytes, empty when there is none (never null), at most
 *     {@link #MAX_PROOF_BYTES}
 */
public record TensorMessage(String name, Tensor tensor, byte[] proof) {

  /** Longest name, in UTF-8 bytes: names are labels, not payloads. */
  public static final int MAX_NAME_BYTES = 1024;

  /** Largest proof: a hash chain entry is tens of bytes; this leaves room for signatures. */
  public static final int MAX_PROOF_BYTES = 64 * 1024;

  private static final byte[] NO_PROOF = new byte[0];

  public TensorMessage {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tensor, "tensor");
    int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (nameBytes == 0 || nameBytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("name: '" + name + "' is " + nameBytes
          + " UTF-8 bytes (expected: 1 to " + MAX_NAME_BYTES + ")");
    }
    if (!tensor.isContiguous()) {
      throw new IllegalArgumentException("tensor '" + name + "': " + tensor.describe()
          + " is not contiguous (expected: a dense tensor; call contiguous() first)");
    }
    proof = proof == null ? NO_PROOF : proof;
    if (proof.length > MAX_PROOF_BYTES) {
      throw new IllegalArgumentException("proof of '" + name + "': " + proof.length
          + " bytes (expected: at most " + MAX_PROOF_BYTES + ")");
    }
  }

  /** A message without a proof. */
  public TensorMessage(String name, Tensor tensor) {
    this(name, tensor, NO_PROOF);
  }

  /** True when a proof is attached. */
  public boolean hasProof() {
    return proof.length > 0;
  }

  /** The payload size in bytes: elements times the dtype's size. */
  public long payloadBytes() {
    return (long) tensor.size() * tensor.dtype().byteSize();
  }
}
