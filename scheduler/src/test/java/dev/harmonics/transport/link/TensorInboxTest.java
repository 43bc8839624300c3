package dev.harmonics.transport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.tensor.Tensor;
import dev.harmonics.transport.TensorMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TensorInboxTest {

  private static final Duration SHORT = Duration.ofMillis(200);

  @Test
  void dropsARepeatedSequenceFromTheSameSenderOnly() throws InterruptedException {
    TensorInbox inbox = new TensorInbox(8, 1 << 20);
    try (Tensor t = Tensor.zeros(4)) {
      assertTrue(inbox.deliver(1, 1, new TensorMessage("a", t)));
      assertFalse(inbox.deliver(1, 1, new TensorMessage("a again", t)));
      assertTrue(inbox.deliver(2, 1, new TensorMessage("other sender", t)));
      assertTrue(inbox.deliver(1, 2, new TensorMessage("b", t)));
      assertEquals(3, inbox.size());
    }
  }

  @Test
  void holdsASenderBackOnceTheByteBoundIsReached() throws Exception {
    TensorInbox inbox = new TensorInbox(8, 100);
    try (Tensor t = Tensor.zeros(16)) {
      inbox.deliver(1, 1, new TensorMessage("first", t));
      CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
        try {
          return inbox.deliver(1, 2, new TensorMessage("second", t));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertTrue(isStillWaiting(second), "64 + 64 bytes exceed the bound of 100");
      assertEquals("first", inbox.take(SHORT).orElseThrow().name());
      assertTrue(second.get(5, TimeUnit.SECONDS));
      assertEquals("second", inbox.take(SHORT).orElseThrow().name());
    }
  }

  @Test
  void alwaysAdmitsOneMessageWhenEmptyHoweverLarge() throws InterruptedException {
    TensorInbox inbox = new TensorInbox(1, 10);
    try (Tensor t = Tensor.zeros(1000)) {
      assertTrue(inbox.deliver(1, 1, new TensorMessage("big", t)));
      assertEquals("big", inbox.take(SHORT).orElseThrow().name());
      assertTrue(inbox.take(Duration.ofMillis(10)).isEmpty());
    }
  }

  private static boolean isStillWaiting(CompletableFuture<?> f) throws Exception {
    try {
      f.get(300, TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException expected) {
      return true;
    }
  }
}
