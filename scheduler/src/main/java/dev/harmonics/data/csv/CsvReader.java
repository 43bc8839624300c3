package dev.harmonics.data.csv;

import dev.harmonics.data.MalformedDataException;
import dev.harmonics.data.SampleSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV file of numbers into a {@link CsvDataset}. Tokenising (quotes, delimiters, line
 * ends) is Apache Commons CSV's; this class turns fields into floats and class indices and
 * decides what a bad row is:
 *
 * <ul>
 *   <li>a row with a different number of fields than the header (or the first row);
 *   <li>an empty field, or one that is not a finite decimal number ({@code NaN}, {@code Inf}
 *       and Java suffixes like {@code 1f} are refused, so a stray token never becomes data);
 *   <li>a label that is not a whole number in {@code [0, classes)}.
 * </ul>
 *
 * Blank lines are ignored. A malformed quote is always fatal: after one the tokeniser cannot be
 * trusted to find where the next row starts.
 */
public final class CsvReader {

  /** How many skipped rows {@link CsvDataset#badRows()} describes. */
  public static final int KEPT_BAD_ROWS = 100;

  private static final System.Logger LOG = System.getLogger(CsvReader.class.getName());

  private CsvReader() {}

  /** Reads the UTF-8 file at {@code path}. */
  public static CsvDataset read(Path path, CsvOptions options) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(in, path.toString(), options);
    }
  }

  /** Reads CSV text from {@code in}; {@code source} names it in errors. */
  public static CsvDataset read(Reader in, String source, CsvOptions options) throws IOException {
    CSVFormat.Builder format = CSVFormat.DEFAULT.builder()
        .setDelimiter(options.delimiter())
        .setTrim(true)
        .setIgnoreEmptyLines(false);
    try (CSVParser parser = CSVParser.builder().setReader(in).setFormat(format.get()).get()) {
      return new Parse(parser, source, options).run();
    } catch (UncheckedIOException e) {
      throw new MalformedDataException(source + ": " + e.getCause().getMessage(), e);
    }
  }

  /** One pass over one file. */
  private static final class Parse {
    private final CSVParser parser;
    private final String source;
    private final CsvOptions options;
    private final List<BadRow> badRows = new ArrayList<>();
    private List<String> names = List.of();
    private int columns = -1;
    private int labelColumn = -1;
    private float[] features = new float[1024];
    private int[] labels = new int[64];
    private int rows;
    private long skipped;
    private int maxLabel = -1;
    private int parsedLabel;

    Parse(CSVParser parser, String source, CsvOptions options) {
      this.parser = parser;
      this.source = source;
      this.options = options;
    }

    CsvDataset run() throws IOException {
      Iterator<CSVRecord> records = parser.iterator();
      long line = parser.getCurrentLineNumber() + 1;
      float[] row = null;
      while (records.hasNext()) {
        CSVRecord record = records.next();
        long recordLine = line;
        line = parser.getCurrentLineNumber() + 1;
        if (record.size() == 1 && record.get(0).isEmpty()) {
          continue;
        }
        if (columns < 0) {
          start(record, recordLine);
          row = new float[columns - (labelColumn >= 0 ? 1 : 0)];
          if (options.header()) {
            continue;
          }
        }
        BadRow bad = parseRow(record, recordLine, row);
        if (bad != null) {
          reject(bad);
        } else {
          keep(row);
        }
      }
      return finish(row);
    }

    private void start(CSVRecord first, long line) throws MalformedDataException {
      columns = first.size();
      if (options.header()) {
        names = first.toList();
      }
      if (options.labelName() != null) {
        labelColumn = names.indexOf(options.labelName());
        if (labelColumn < 0) {
          throw new MalformedDataException(source + ": line " + line + ": no column named \""
              + options.labelName() + "\" for the label (header: " + names + ")");
        }
      } else if (options.labelIndex() >= 0) {
        labelColumn = options.labelIndex();
        if (labelColumn >= columns) {
          throw new MalformedDataException(source + ": line " + line + ": label column index "
              + labelColumn + " but rows have " + columns + " columns (expected 0 to "
              + (columns - 1) + ")");
        }
      }
      if (columns - (labelColumn >= 0 ? 1 : 0) == 0) {
        throw new MalformedDataException(
            source + ": line " + line + ": no feature columns besides the label");
      }
    }

    /** Fills {@code row}; returns what was wrong, or null. */
    private BadRow parseRow(CSVRecord record, long line, float[] row) {
      if (record.size() != columns) {
        return new BadRow(line, 0, "", record.size() + " fields (expected " + columns
            + (options.header() ? " as in the header" : " as in the first row") + ")");
      }
      int f = 0;
      for (int c = 0; c < columns; c++) {
        String value = record.get(c);
        if (c == labelColumn) {
          String problem = checkLabel(value);
          if (problem != null) {
            return new BadRow(line, c + 1, name(c), problem);
          }
          continue;
        }
        String problem = checkNumber(value);
        if (problem != null) {
          return new BadRow(line, c + 1, name(c), problem);
        }
        row[f++] = Float.parseFloat(value);
      }
      return null;
    }

    private String name(int column) {
      return column < names.size() ? names.get(column) : "";
    }

    private static String checkNumber(String value) {
      if (value.isEmpty()) {
        return "empty value (expected a number)";
      }
      for (int i = 0; i < value.length(); i++) {
        char ch = value.charAt(i);
        boolean allowed = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+'
            || ch == 'e' || ch == 'E';
        if (!allowed) {
          return "\"" + value + "\" is not a number";
        }
      }
      try {
        float v = Float.parseFloat(value);
        if (!Float.isFinite(v)) {
          return "\"" + value + "\" is out of float range";
        }
        return null;
      } catch (NumberFormatException e) {
        return "\"" + value + "\" is not a number";
      }
    }

    private String checkLabel(String value) {
      int classes = options.classes();
      String expected = classes > 0 ? "[0, " + classes + ")" : ">= 0";
      int label;
      try {
        label = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        return "label \"" + value + "\" is not a class index (expected a whole number "
            + expected + ")";
      }
      if (label < 0 || (classes > 0 && label >= classes)) {
        return "label " + label + " is out of range (expected " + expected + ")";
      }
      parsedLabel = label;
      return null;
    }

    private void reject(BadRow bad) throws MalformedDataException {
      if (options.badRows() == BadRowPolicy.FAIL) {
        throw CsvDataset.error(source, bad);
      }
      skipped++;
      if (badRows.size() < KEPT_BAD_ROWS) {
        badRows.add(bad);
      }
    }

    private void keep(float[] row) {
      int n = row.length;
      if ((long) (rows + 1) * n > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException(
            source + ": more than " + rows + " rows of " + n + " features do not fit one array");
      }
      if ((rows + 1) * n > features.length) {
        features = Arrays.copyOf(features, (int) Math.min(Integer.MAX_VALUE - 16,
            Math.max((long) features.length * 2, (long) (rows + 1) * n)));
      }
      System.arraycopy(row, 0, features, rows * n, n);
      if (labelColumn >= 0) {
        if (rows == labels.length) {
          labels = Arrays.copyOf(labels, labels.length * 2);
        }
        labels[rows] = parsedLabel;
        maxLabel = Math.max(maxLabel, parsedLabel);
      }
      rows++;
    }

    private CsvDataset finish(float[] row) throws MalformedDataException {
      if (rows == 0) {
        throw new MalformedDataException(source + ": no data rows"
            + (skipped > 0 ? " (all " + skipped + " were bad; first: "
                + badRows.getFirst().describe() + ")" : ""));
      }
      if (skipped > 0) {
        LOG.log(Level.WARNING, "{0}: skipped {1} bad rows; first: {2}",
            source, skipped, badRows.getFirst().describe());
      }
      int classes = labelColumn < 0 ? 0 : options.classes() > 0 ? options.classes() : maxLabel + 1;
      List<String> featureNames = new ArrayList<>(names);
      if (labelColumn >= 0 && !featureNames.isEmpty()) {
        featureNames.remove(labelColumn);
      }
      return new CsvDataset(new SampleSpec(new int[] {row.length}, classes), featureNames,
          Arrays.copyOf(features, rows * row.length),
          labelColumn < 0 ? null : Arrays.copyOf(labels, rows), rows, skipped, badRows);
    }
  }
}
