package dev.harmonics.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProofChainTest {

  private final List<Tensor> owned = new ArrayList<>();

  @AfterEach
  void free() {
    owned.forEach(Tensor::close);
  }

  private Tensor floats(float[] values, int... shape) {
    Tensor t = Tensor.of(values, shape);
    owned.add(t);
    return t;
  }

  private Tensor ints(int[] values, int... shape) {
    Tensor t = Tensor.ofInts(values, shape);
    owned.add(t);
    return t;
  }

  /** Three steps, each producing a float32 and an int32 tensor. */
  private List<List<Tensor>> steps() {
    List<List<Tensor>> steps = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      steps.add(List.of(
          floats(new float[] {s, 1.5f, -2f, 0.25f, 7f, s * 3f}, 2, 3),
          ints(new int[] {s, 9, -1}, 3)));
    }
    return steps;
  }

  private static ProofChain chainOver(List<List<Tensor>> steps) {
    ProofChain chain = ProofChain.start();
    steps.forEach(chain::append);
    return chain;
  }

  @Test
  void firstProofFollowsTheDocumentedEncoding() throws Exception {
    Tensor a = floats(new float[] {1f, -2f}, 2);
    Tensor b = ints(new int[] {7}, 1, 1);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] genesis = md.digest("harmonics proof chain v1".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer in = ByteBuffer.allocate(256);
    in.put(genesis).putLong(1).putInt(2);
    in.put((byte) 1).putInt(1).putInt(2);
    in.order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(-2f).order(ByteOrder.BIG_ENDIAN);
    in.put((byte) 3).putInt(2).putInt(1).putInt(1);
    in.order(ByteOrder.LITTLE_ENDIAN).putInt(7);
    md.update(in.flip());
    Proof proof = ProofChain.start().append(a, b);
    assertEquals(1, proof.step());
    assertArrayEquals(md.digest(), proof.digest());
    assertArrayEquals(genesis, ProofChain.genesis().digest());
  }

  @Test
  void sameTensorsGiveTheSameChain() {
    List<List<Tensor>> steps = steps();
    assertEquals(chainOver(steps).history(), chainOver(steps).history());
    assertEquals(3, chainOver(steps).current().step());
  }

  @Test
  void proofsDependOnLogicalElementsNotLayoutOrMemory() {
    float[] values = {1, 2, 3, 4, 5, 6};
    Tensor offHeap = floats(values, 2, 3);
    Tensor transposedView = floats(new float[] {1, 4, 2, 5, 3, 6}, 3, 2).transpose(0, 1);
    Proof heap = ProofChain.start().append(Tensor.wrap(values.clone(), 2, 3));
    assertEquals(heap, ProofChain.start().append(offHeap));
    assertEquals(heap, ProofChain.start().append(transposedView));
  }

  @Test
  void anUntouchedRecordVerifies() {
    List<List<Tensor>> steps = steps();
    Verification v = ProofVerifier.verify(chainOver(steps), steps);
    assertTrue(v.valid(), v.reason());
    assertEquals(3, v.steps());
    v.requireValid();
  }

  @Test
  void aChangedElementIsDetectedAtItsStep() {
    List<List<Tensor>> steps = steps();
    ProofChain chain = chainOver(steps);
    Tensor t = steps.get(1).get(0);
    t.setFlat(4, Math.nextUp(t.getFlat(4)));
    Verification v = ProofVerifier.verify(chain, steps);
    assertFalse(v.valid());
    assertEquals(2, v.failedStep());
    assertTrue(v.reason().contains("a tensor of this step or the proof was changed"), v.reason());
    SecurityException e = assertThrows(SecurityException.class, v::requireValid);
    assertTrue(e.getMessage().contains("step 2"), e.getMessage());
  }

  @Test
  void aChangedProofIsDetected() {
    List<List<Tensor>> steps = steps();
    List<Proof> proofs = new ArrayList<>(chainOver(steps).history());
    byte[] digest = proofs.get(2).digest();
    digest[31] ^= 1;
    proofs.set(2, new Proof(3, digest));
    Verification v = ProofVerifier.verify(ProofChain.genesis(), proofs, steps);
    assertFalse(v.valid());
    assertEquals(3, v.failedStep());
  }

  @Test
  void shapeOrderStepAndLengthChangesAreDetected() {
    List<List<Tensor>> steps = steps();
    List<Proof> proofs = chainOver(steps).history();

    List<List<Tensor>> reshaped = new ArrayList<>(steps);
    reshaped.set(0, List.of(steps.get(0).get(0).reshape(3, 2), steps.get(0).get(1)));
    assertEquals(1, ProofVerifier.verify(ProofChain.genesis(), proofs, reshaped).failedStep());

    List<List<Tensor>> reordered = new ArrayList<>(steps);
    reordered.set(2, List.of(steps.get(2).get(1), steps.get(2).get(0)));
    assertEquals(3, ProofVerifier.verify(ProofChain.genesis(), proofs, reordered).failedStep());

    List<Proof> renumbered = new ArrayList<>(proofs);
    renumbered.set(1, new Proof(7, proofs.get(1).digest()));
    Verification v = ProofVerifier.verify(ProofChain.genesis(), renumbered, steps);
    assertTrue(v.reason().contains("says step 7 (expected 2)"), v.reason());

    Verification dropped = ProofVerifier.verify(ProofChain.genesis(), proofs.subList(0, 2), steps);
    assertFalse(dropped.valid());
    assertTrue(dropped.reason().contains("2 proofs but 3 recorded steps"), dropped.reason());

    Proof otherOrigin = new Proof(0, new byte[32]);
    assertFalse(ProofVerifier.verify(otherOrigin, proofs, steps).valid());
  }

  @Test
  void missingOrClosedTensorsAreRefusedAndLeaveTheChainAsItWas() {
    ProofChain chain = ProofChain.start();
    Tensor present = floats(new float[] {1}, 1);
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> chain.append(java.util.Arrays.asList(present, null)));
    assertTrue(e.getMessage().contains("a tensor of step 1"), e.getMessage());
    Tensor closed = Tensor.of(new float[] {2}, 1);
    closed.close();
    assertThrows(IllegalStateException.class, () -> chain.append(closed));
    assertEquals(ProofChain.genesis(), chain.current());
    assertTrue(chain.history().isEmpty());
  }
}
