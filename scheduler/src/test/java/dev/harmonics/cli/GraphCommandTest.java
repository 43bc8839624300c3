package dev.harmonics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.graph.ExampleGraphs;
import dev.harmonics.graph.tools.GraphDigest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GraphCommandTest {

  private static final Path MLP = Path.of("..", "examples", "fashion_mlp.harp");

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new HarmonicsCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int status = cli.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void describePrintsTheTable() {
    Run run = run("graph", "describe", MLP.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("235,146 parameters"), run.out());
  }

  @Test
  void digestMatchesTheBuilderGraph() {
    Run run = run("graph", "digest", MLP.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(GraphDigest.of(ExampleGraphs.mlp()) + "  " + MLP + "\n", run.out());
  }

  @Test
  void dotPrintsADigraph() {
    Run run = run("graph", "dot", MLP.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("digraph \"fashion_mlp\""), run.out());
  }

  @Test
  void aBrokenFileIsReportedWithItsPosition(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.harp");
    Files.writeString(bad, "harmonic m {\n  producer x {4}\n}\n");
    Run run = run("graph", "describe", bad.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("bad.harp:3:1: found '}'"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Run run = run("graph", "digest", dir.resolve("nope.harp").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("no such file"), run.err());
  }

  @Test
  void aMissingSubcommandIsAUsageError() {
    Run run = run("graph");
    assertEquals(2, run.status());
    assertTrue(run.err().contains("describe, dot or digest"), run.err());
  }
}
