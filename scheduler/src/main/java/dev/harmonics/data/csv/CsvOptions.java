package dev.harmonics.data.csv;

import java.util.Objects;

/**
 * How to read a CSV file of numbers: whether the first row names the columns, which column holds
 * the label (a class index), the delimiter, and what to do with a bad row. Build with {@link
 * #builder()}; the defaults are a header row, no label, commas, and {@link BadRowPolicy#FAIL}.
 *
 * @param header whether the first row holds column names rather than data
 * @param labelName the label column by header name, or null
 * @param labelIndex the label column by position from 0, or -1; at most one of the two is set
 * @param delimiter the field separator
 * @param badRows what a bad row does
 * @param classes number of label classes, or 0 to use the largest label plus one
 */
public record CsvOptions(
    boolean header, String labelName, int labelIndex, char delimiter, BadRowPolicy badRows,
    int classes) {

  public CsvOptions {
    Objects.requireNonNull(badRows, "badRows");
    if (labelName != null && labelIndex >= 0) {
      throw new IllegalArgumentException("label column given both by name (\"" + labelName
          + "\") and by index (" + labelIndex + "); choose one");
    }
    if (labelName != null && !header) {
      throw new IllegalArgumentException(
          "labelName: \"" + labelName + "\" needs a header row (header is false)");
    }
    if (labelIndex < -1) {
      throw new IllegalArgumentException("labelIndex: " + labelIndex + " (expected >= 0, or -1)");
    }
    if (classes < 0) {
      throw new IllegalArgumentException("classes: " + classes + " (expected >= 0)");
    }
  }

  /** True when a label column was chosen. */
  public boolean labeled() {
    return labelName != null || labelIndex >= 0;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link CsvOptions}. */
  public static final class Builder {
    private boolean header = true;
    private String labelName;
    private int labelIndex = -1;
    private char delimiter = ',';
    private BadRowPolicy badRows = BadRowPolicy.FAIL;
    private int classes;

    private Builder() {}

    /** Whether the first row names the columns (default true). */
    public Builder header(boolean header) {
      this.header = header;
      return this;
    }

    /** The label is the column with this header name. */
    public Builder label(String columnName) {
      this.labelName = Objects.requireNonNull(columnName, "columnName");
      this.labelIndex = -1;
      return this;
    }

    /** The label is the column at this position, from 0. */
    public Builder label(int columnIndex) {
      this.labelIndex = columnIndex;
      this.labelName = null;
      return this;
    }

    /** The field separator (default {@code ,}). */
    public Builder delimiter(char delimiter) {
      this.delimiter = delimiter;
      return this;
    }

    /** What a bad row does (default {@link BadRowPolicy#FAIL}). */
    public Builder badRows(BadRowPolicy policy) {
      this.badRows = policy;
      return this;
    }

    /** Number of label classes; labels outside {@code [0, classes)} are bad rows. */
    public Builder classes(int classes) {
      this.classes = classes;
      return this;
    }

    /** The options; contradictory choices are refused here. */
    public CsvOptions build() {
      return new CsvOptions(header, labelName, labelIndex, delimiter, badRows, classes);
    }
  }
}
