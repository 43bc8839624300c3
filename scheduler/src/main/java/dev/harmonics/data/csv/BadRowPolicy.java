package dev.harmonics.data.csv;

/** What the CSV reader does with a row it cannot use. */
public enum BadRowPolicy {
  /** Stop with an error naming the file, line and column. */
  FAIL,
  /** Leave the row out, count it, and keep its description in {@link CsvDataset#badRows()}. */
  SKIP
}
