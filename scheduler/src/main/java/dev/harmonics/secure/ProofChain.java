package dev.harmonics.secure;

import dev.harmonics.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tamper-evident hash chain over the tensors a computation produces, step by step. It is not a
 * zero-knowledge proof and proves nothing about how the tensors were computed: it lets whoever
 * holds the recorded tensors and the proofs detect that any of them was changed afterwards.
 *
 * <p>Step {@code n}'s proof is SHA-256 over: the previous proof's 32 digest bytes, {@code n} as
 * a big-endian int64, the tensor count as a big-endian int32, then each tensor in the order
 * given (dtype code, rank, dimensions, little-endian elements; see {@code docs/secure.md}). A
 * fresh chain starts from {@link #genesis()}; a chain that carries on work begun elsewhere (on
 * another partition, across a socket) starts from the last proof received with {@link
 * #continueFrom(Proof)}.
 *
 * <p>Appends are synchronized so several threads of one step may share a chain, but the order of
 * appends is the order of the chain: give each ordered stream of steps its own chain.
 */
public final class ProofChain {

  private static final byte[] GENESIS_TAG =
      "harmonics proof chain v1".getBytes(StandardCharsets.US_ASCII);

  private final Proof origin;
  private final List<Proof> history = new ArrayList<>();
  private Proof current;

  private ProofChain(Proof origin) {
    this.origin = origin;
    this.current = origin;
  }

  /** A new chain from {@link #genesis()}. */
  public static ProofChain start() {
    return new ProofChain(genesis());
  }

  /** A chain whose first step follows {@code last}, a proof received from elsewhere. */
  public static ProofChain continueFrom(Proof last) {
    return new ProofChain(Objects.requireNonNull(last, "last"));
  }

  /** The origin of every fresh chain: step 0, SHA-256 of a fixed tag. */
  public static Proof genesis() {
    return new Proof(0, newDigest().digest(GENESIS_TAG));
  }

  /** The proof the chain started from. */
  public Proof origin() {
    return origin;
  }

  /** Closes the next step over the tensors it produced, in this order; returns its proof. */
  public synchronized Proof append(List<Tensor> produced) {
    current = next(current, produced);
    history.add(current);
    return current;
  }

  /** {@link #append(List)} for tensors given inline. */
  public Proof append(Tensor... produced) {
    return append(List.of(produced));
  }

  /** The latest proof, or the origin before any step. */
  public synchronized Proof current() {
    return current;
  }

  /** The proofs of every appended step, oldest first (the origin is not included). */
  public synchronized List<Proof> history() {
    return List.copyOf(history);
  }

  /** The proof of the step after {@code previous} that produced {@code tensors}. */
  static Proof next(Proof previous, List<Tensor> tensors) {
    MessageDigest md = newDigest();
    previous.feed(md);
    long step = previous.step() + 1;
    md.update(ByteBuffer.allocate(12).putLong(step).putInt(tensors.size()).flip());
    for (Tensor t : tensors) {
      TensorEncoding.feed(md, Objects.requireNonNull(t, "a tensor of step " + step));
    }
    return new Proof(step, md.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(Proof.ALGORITHM);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(
          "this JDK has no " + Proof.ALGORITHM + ", which every Java platform must provide", e);
    }
  }
}
