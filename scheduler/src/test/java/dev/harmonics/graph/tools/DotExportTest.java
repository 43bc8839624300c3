package dev.harmonics.graph.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.ExampleGraphs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotExportTest {

  @Test
  void listsEveryNodeArrowAndTap() {
    String dot = DotExport.of(ExampleGraphs.mlp());
    assertTrue(dot.startsWith("digraph \"fashion_mlp\" {\n"), dot);
    assertTrue(dot.contains("\"images\" [shape=invhouse, label=\"images\\nproducer {784}\"];"),
        dot);
    assertTrue(dot.contains("\"hidden1\" [shape=box, label=\"hidden1\\ndense(units=256, bias=true)"
        + "\\n{784} -> {256}\"];"), dot);
    assertTrue(dot.contains("\"images\" -> \"hidden1\";"), dot);
    assertTrue(dot.contains("\"hidden1\" -> \"hidden2\" [label=\"relu\"];"), dot);
    assertTrue(dot.contains("\"labels\" -> \"probabilities\" [style=dashed, color=red,"
        + " fontcolor=red, label=\"cross_entropy\"];"), dot);
    assertTrue(dot.endsWith("}\n"), dot);
  }

  @Test
  void quotesAndBackslashesAreEscaped() {
    assertEquals("\"a\\\"b\\\\c\"", DotExport.quote("a\"b\\c"));
  }

  /** Runs Graphviz itself on the export: a real parser is the check that the syntax is right. */
  @Test
  void graphvizRendersTheExport(@TempDir Path dir) throws IOException, InterruptedException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dot")),
        "Graphviz's dot is not installed (./harmonics test installs it as root: TEST_PACKAGES)");
    Path source = dir.resolve("cnn.dot");
    Path svg = dir.resolve("cnn.svg");
    Files.writeString(source, DotExport.of(ExampleGraphs.cnn()), StandardCharsets.UTF_8);
    Process dot = new ProcessBuilder("/usr/bin/dot", "-Tsvg", "-o", svg.toString(),
        source.toString()).redirectErrorStream(true).start();
    String output = new String(dot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(dot.waitFor(30, TimeUnit.SECONDS), "dot did not finish");
    assertEquals(0, dot.exitValue(), output);
    assertTrue(output.isEmpty(), "dot warned: " + output);
    String rendered = Files.readString(svg, StandardCharsets.UTF_8);
    assertTrue(rendered.contains("conv2d(out=32"), rendered.substring(0, 200));
  }
}
