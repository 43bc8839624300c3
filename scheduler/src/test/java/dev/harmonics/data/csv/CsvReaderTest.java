package dev.harmonics.data.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harmonics.data.Batch;
import dev.harmonics.data.MalformedDataException;
import dev.harmonics.data.Producer;
import dev.harmonics.data.Producers;
import dev.harmonics.data.Sample;
import dev.harmonics.data.SampleSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static final String GOOD = """
      width,height,kind,depth
      1.5,2,0,-3e-1
      4,5.25,2,6

      7,8,1, 9
      """;

  @Test
  void readsHeaderFeaturesAndALabelByName() throws IOException {
    CsvDataset set = CsvReader.read(write("good.csv", GOOD),
        CsvOptions.builder().label("kind").build());
    assertEquals(3, set.size());
    assertEquals(new SampleSpec(new int[] {3}, 3), set.spec());
    assertEquals(List.of("width", "height", "depth"), set.featureNames());
    assertArrayEquals(new float[] {1.5f, 2f, -0.3f}, set.get(0).features().toFloatArray());
    assertArrayEquals(new float[] {7f, 8f, 9f}, set.get(2).features().toFloatArray());
    assertEquals(2, set.label(1));
    assertEquals(0, set.skippedRows());
  }

  @Test
  void readsWithoutHeaderAndALabelByIndex() throws IOException {
    Path p = write("plain.csv", "3;0.5\n1;0.25\n");
    CsvDataset set = CsvReader.read(p,
        CsvOptions.builder().header(false).label(0).delimiter(';').classes(4).build());
    assertEquals(new SampleSpec(new int[] {1}, 4), set.spec());
    assertEquals(3, set.label(0));
    assertEquals(0.25f, set.get(1).features().getFlat(0));
  }

  @Test
  void unlabeledRowsHaveNoLabel() throws IOException {
    CsvDataset set = CsvReader.read(write("u.csv", "a,b\n1,2\n"), CsvOptions.builder().build());
    assertEquals(Sample.NO_LABEL, set.label(0));
    assertTrue(!set.spec().labeled());
    try (Producer<Batch> b = Producers.batch(Producers.sequential(set), 4, false);
        Batch batch = b.next()) {
      assertEquals(null, batch.labels());
    }
  }

  private static final String BAD = """
      a,b,label
      1,2,0
      1,x,1
      3,4
      5,6,7
      ,8,1
      NaN,1,0
      9,10,1.5
      11,12,1
      """;

  @Test
  void failModeNamesLineAndColumn() throws IOException {
    Path p = write("bad.csv", BAD);
    CsvOptions fail = CsvOptions.builder().label("label").classes(3).build();
    MalformedDataException e =
        assertThrows(MalformedDataException.class, () -> CsvReader.read(p, fail));
    assertEquals(p + ": line 3, column 2 (\"b\"): \"x\" is not a number", e.getMessage());
  }

  @Test
  void skipModeCountsAndDescribesEveryBadRow() throws IOException {
    Path p = write("bad.csv", BAD);
    CsvDataset set = CsvReader.read(p, CsvOptions.builder().label("label").classes(3)
        .badRows(BadRowPolicy.SKIP).build());
    assertEquals(2, set.size());
    assertEquals(11f, set.get(1).features().getFlat(0));
    assertEquals(6, set.skippedRows());
    List<String> why = set.badRows().stream().map(BadRow::describe).toList();
    assertEquals(List.of(
        "line 3, column 2 (\"b\"): \"x\" is not a number",
        "line 4: 2 fields (expected 3 as in the header)",
        "line 5, column 3 (\"label\"): label 7 is out of range (expected [0, 3))",
        "line 6, column 1 (\"a\"): empty value (expected a number)",
        "line 7, column 1 (\"a\"): \"NaN\" is not a number",
        "line 8, column 3 (\"label\"): label \"1.5\" is not a class index (expected a whole "
            + "number [0, 3))"), why);
  }

  @Test
  void missingLabelColumnIsReported() throws IOException {
    Path p = write("g.csv", GOOD);
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> CsvReader.read(p, CsvOptions.builder().label("class").build()));
    assertTrue(e.getMessage().contains("no column named \"class\""), e.getMessage());
    e = assertThrows(MalformedDataException.class,
        () -> CsvReader.read(p, CsvOptions.builder().label(4).build()));
    assertTrue(e.getMessage().contains("label column index 4 but rows have 4 columns"),
        e.getMessage());
  }

  @Test
  void emptyAndAllBadFilesAreReported() throws IOException {
    Path empty = write("empty.csv", "a,b\n");
    MalformedDataException e = assertThrows(MalformedDataException.class,
        () -> CsvReader.read(empty, CsvOptions.builder().build()));
    assertEquals(empty + ": no data rows", e.getMessage());
    Path allBad = write("allbad.csv", "a,b\nx,1\n");
    e = assertThrows(MalformedDataException.class, () -> CsvReader.read(allBad,
        CsvOptions.builder().badRows(BadRowPolicy.SKIP).build()));
    assertTrue(e.getMessage().contains("all 1 were bad; first: line 2, column 1"),
        e.getMessage());
  }

  @Test
  void brokenQuoteIsFatalEvenWhenSkipping() throws IOException {
    Path p = write("quote.csv", "a,b\n1,2\n\"3\"x,4\n");
    MalformedDataException e = assertThrows(MalformedDataException.class, () -> CsvReader.read(
        p, CsvOptions.builder().badRows(BadRowPolicy.SKIP).build()));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
  }

  @Test
  void conflictingOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> CsvOptions.builder().header(false).label("x").build());
    assertThrows(IllegalArgumentException.class,
        () -> new CsvOptions(true, "x", 2, ',', BadRowPolicy.FAIL, 0));
  }
}
