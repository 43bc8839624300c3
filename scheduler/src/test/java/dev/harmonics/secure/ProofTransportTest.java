package dev.harmonics.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Proofs leaving one process and arriving in another, over a real loopback socket. */
class ProofTransportTest {

  @Test
  void encodedFormRoundTripsAndRejectsDamage() {
    Proof p = ProofChain.start().append(Tensor.wrap(new float[] {1, 2}, 2));
    assertEquals(p, Proof.decode(p.encode()));
    assertEquals(p, Proof.parse(p.toText()));
    assertEquals(Proof.ENCODED_BYTES, p.encode().length);

    byte[] shortForm = java.util.Arrays.copyOf(p.encode(), 20);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Proof.decode(shortForm));
    assertTrue(e.getMessage().contains("20 bytes (expected 46)"), e.getMessage());
    byte[] badMagic = p.encode();
    badMagic[0] = 'X';
    e = assertThrows(IllegalArgumentException.class, () -> Proof.decode(badMagic));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
    byte[] badVersion = p.encode();
    badVersion[4] = 9;
    e = assertThrows(IllegalArgumentException.class, () -> Proof.decode(badVersion));
    assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Proof.parse("3:abz"));
    assertTrue(e.getMessage().contains("expected a decimal step"), e.getMessage());
  }

  @Test
  void javaSerializationKeepsTheProof() throws Exception {
    Proof p = ProofChain.start().append(Tensor.wrap(new float[] {3}, 1));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(p, in.readObject());
    }
  }

  @Test
  void aChainContinuesOnTheOtherSideOfASocket() throws Exception {
    float[] first = {1, 2, 3};
    float[] second = {4, 5};
    ProofChain sender = ProofChain.start();
    sender.append(Tensor.wrap(first, 3));
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Proof> received = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept();
            DataInputStream in = new DataInputStream(s.getInputStream())) {
          byte[] wire = new byte[Proof.ENCODED_BYTES];
          in.readFully(wire);
          return Proof.decode(wire);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
          OutputStream out = s.getOutputStream()) {
        out.write(sender.current().encode());
      }
      Proof handedOver = received.get(10, TimeUnit.SECONDS);
      assertEquals(sender.current(), handedOver);

      ProofChain receiver = ProofChain.continueFrom(handedOver);
      Proof last = receiver.append(Tensor.wrap(second, 2));
      assertEquals(2, last.step());
      // The receiver's step is the step the sender would have taken itself.
      assertEquals(sender.append(Tensor.wrap(second.clone(), 2)), last);
      assertTrue(ProofVerifier.verify(receiver, List.of(List.of(Tensor.wrap(second, 2))))
          .valid());
    }
  }
}
