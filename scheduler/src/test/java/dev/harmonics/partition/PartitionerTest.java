package dev.harmonics.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.HarmonicGraph;
import dev.harmonics.graph.harp.HarpParser;
import dev.harmonics.kernel.Backend;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionerTest {

  private final HarmonicGraph chain = TestGraphs.chain();

  @Test
  void twoPartitionsCutInTheMiddleWithANamedBoundaryPair() {
    PartitionedGraph cut = Partitioner.partitionGraph(chain, 2);
    assertEquals(2, cut.size());
    // 5 layers: round(1/2 * 5) = 3 (Math.round rounds half up) before the cut
    assertEquals(List.of("a", "b", "c"), cut.partition(0).layerNames());
    assertEquals(List.of("d", "logits"), cut.partition(1).layerNames());
    Boundary b = cut.boundaries().getFirst();
    assertEquals("c", b.name());
    assertEquals("c_out", b.consumerNode());
    assertEquals("c", b.producerNode());
    assertEquals("c/grad", b.gradientName());
    assertArrayEquals(new int[] {12}, b.shape().dims());
    HarmonicGraph first = cut.partition(0).graph();
    HarmonicGraph second = cut.partition(1).graph();
    assertArrayEquals(new int[] {12}, first.node("c_out").outputShape().dims());
    assertArrayEquals(new int[] {12}, second.node("c").outputShape().dims());
    assertEquals(Set.of("x"), cut.partition(0).dataProducers());
    assertEquals(Set.of("labels"), cut.partition(1).dataProducers());
    assertTrue(cut.partition(1).hasLoss());
    assertNull(cut.partition(0).input());
    assertNull(cut.partition(1).output());
    assertEquals(chain.parameterCount(), first.parameterCount() + second.parameterCount());
    // the arrow after the cut stays with the layer it feeds: d reads relu(c)
    assertEquals("relu", second.input("d").orElseThrow().activation().harpName());
  }

  @Test
  void everyLayerItsOwnPartition() {
    PartitionedGraph cut = Partitioner.partitionGraph(chain, 5);
    assertEquals(4, cut.boundaries().size());
    assertEquals(List.of("a", "b", "c", "d"),
        cut.boundaries().stream().map(Boundary::name).toList());
    for (int k = 0; k < 5; k++) {
      assertEquals(1, cut.partition(k).layerNames().size());
    }
  }

  @Test
  void autoPartitionFollowsBackendShares() {
    // GPU 4 : CPU 1 over 5 layers: round(4/5 * 5) = 4 layers on the GPU partition
    DeploymentDescriptor gpuCpu = DeploymentDescriptor.of(Placement.on(Backend.CUDA),
        Placement.on(Backend.SIMD));
    assertEquals(List.of("a", "b", "c", "d"),
        Partitioner.autoPartition(chain, gpuCpu).partition(0).layerNames());
    // FPGA 2 : CPU 1 : CPU 1 x weight 2 -> cumulative 2/5, 3/5 -> cuts after 2 and 3 layers
    DeploymentDescriptor three = DeploymentDescriptor.of(Placement.on(Backend.FPGA),
        Placement.on(Backend.REFERENCE), new Placement(Backend.SIMD, 0, 2.0));
    PartitionedGraph cut = Partitioner.autoPartition(chain, three);
    assertEquals(List.of("a", "b"), cut.partition(0).layerNames());
    assertEquals(List.of("c"), cut.partition(1).layerNames());
    assertEquals(List.of("d", "logits"), cut.partition(2).layerNames());
  }

  @Test
  void aPartitionLeftWithoutLayersIsRefusedNamingIt() {
    DeploymentDescriptor lopsided = DeploymentDescriptor.of(new Placement(Backend.SIMD, 0, 50),
        Placement.on(Backend.REFERENCE));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.autoPartition(chain, lopsided));
    assertTrue(e.getMessage().contains("partition 1 (reference, weight 1.0) gets no layer"),
        e.getMessage());
    var tooMany = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.partitionGraph(chain, 6));
    assertTrue(tooMany.getMessage().contains("5 layers, too few for 6 partitions"),
        tooMany.getMessage());
  }

  @Test
  void aCutCrossedByTwoValuesIsRefused() {
    HarmonicGraph skip = HarpParser.parse("""
        harmonic skip {
          producer x {4};
          layer a dense(units=4);
          layer b dense(units=4);
          layer c dense(units=4);
          consumer out1;
          consumer out2;
          cycle {
            x -> a -> b -> c -> out1;
            a -> out2;
          }
        }
        """, "skip.harp");
    var e = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.cutAfter(skip, List.of("b")));
    assertTrue(e.getMessage().contains("cut 0 after layer 'b'"), e.getMessage());
  }

  @Test
  void cutAfterNamesUnknownLayers() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.cutAfter(chain, List.of("nope")));
    assertTrue(e.getMessage().contains("cut after 'nope': not a layer"), e.getMessage());
    var last = assertThrows(IllegalArgumentException.class,
        () -> Partitioner.cutAfter(chain, List.of("logits")));
    assertTrue(last.getMessage().contains("the last layer"), last.getMessage());
  }
}
