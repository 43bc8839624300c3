package dev.harmonics.transport.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import dev.harmonics.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TensorBusTest {

  @Test
  void handsOverTheSameTensorInOrder() {
    try (TensorBus bus = new TensorBus("b", 4);
        Tensor a = Tensor.zeros(2);
        Tensor b = Tensor.zeros(3)) {
      bus.send(new TensorMessage("a", a));
      bus.send(new TensorMessage("b", b, new byte[] {1}));
      assertSame(a, bus.receive(Duration.ofSeconds(1)).orElseThrow().tensor());
      TensorMessage second = bus.receive(Duration.ofSeconds(1)).orElseThrow();
      assertSame(b, second.tensor());
      assertEquals(1, second.proof()[0]);
      assertTrue(bus.receive(Duration.ofMillis(10)).isEmpty());
    }
  }

  @Test
  void holdsBackASenderWhileFullAndPassesEverythingAcrossThreads() throws Exception {
    try (TensorBus bus = new TensorBus("pipe", 2); Tensor t = Tensor.zeros(1)) {
      CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 100; i++) {
          bus.send(new TensorMessage("m" + i, t));
        }
      });
      List<String> names = new ArrayList<>();
      while (names.size() < 100) {
        bus.receive(Duration.ofSeconds(5)).ifPresent(m -> names.add(m.name()));
        assertTrue(bus.size() <= 2);
      }
      producer.get();
      for (int i = 0; i < 100; i++) {
        assertEquals("m" + i, names.get(i));
      }
    }
  }

  @Test
  void failsASenderThatFindsNoRoomInTime() {
    try (TensorBus bus = new TensorBus("stuck", 1, Duration.ofMillis(50));
        Tensor t = Tensor.zeros(1)) {
      bus.send(new TensorMessage("first", t));
      TransportException e = assertThrows(TransportException.class,
          () -> bus.send(new TensorMessage("second", t)));
      assertTrue(e.getMessage().contains("bus 'stuck': no room for 'second'"), e.getMessage());
      assertEquals("first", bus.receive(Duration.ofSeconds(1)).orElseThrow().name());
    }
  }

  @Test
  void refusesSendsOnceClosedButKeepsWhatWaits() {
    TensorBus bus = new TensorBus("c", 2);
    try (Tensor t = Tensor.zeros(1)) {
      bus.send(new TensorMessage("kept", t));
      bus.close();
      assertThrows(TransportException.class, () -> bus.send(new TensorMessage("late", t)));
      assertEquals("kept", bus.receive(Duration.ofSeconds(1)).orElseThrow().name());
    }
  }

  @Test
  void validatesItsSettings() {
    assertThrows(IllegalArgumentException.class, () -> new TensorBus("x", 0));
    assertThrows(IllegalArgumentException.class, () -> new TensorBus("x", 1, Duration.ZERO));
  }
}
