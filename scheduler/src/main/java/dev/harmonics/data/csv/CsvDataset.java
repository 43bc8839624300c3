package dev.harmonics.data.csv;

import dev.harmonics.data.MalformedDataException;
import dev.harmonics.data.Sample;
import dev.harmonics.data.SampleSet;
import dev.harmonics.data.SampleSpec;
import java.util.List;
import java.util.Objects;

/**
 * The numeric rows of a CSV file, held in memory: every non-label column is a float feature, and
 * the label column (if chosen) a class index. Read one with {@link CsvReader#read}.
 */
public final class CsvDataset implements SampleSet {

  private final SampleSpec spec;
  private final List<String> featureNames;
  private final float[] features;
  private final int[] labels;
  private final int rows;
  private final long skippedRows;
  private final List<BadRow> badRows;

  CsvDataset(SampleSpec spec, List<String> featureNames, float[] features, int[] labels,
      int rows, long skippedRows, List<BadRow> badRows) {
    this.spec = spec;
    this.featureNames = List.copyOf(featureNames);
    this.features = features;
    this.labels = labels;
    this.rows = rows;
    this.skippedRows = skippedRows;
    this.badRows = List.copyOf(badRows);
  }

  @Override
  public SampleSpec spec() {
    return spec;
  }

  @Override
  public int size() {
    return rows;
  }

  /** The feature columns' header names in feature order (empty without a header row). */
  public List<String> featureNames() {
    return featureNames;
  }

  @Override
  public void copyFeatures(int index, float[] dst, int offset) {
    Objects.checkIndex(index, rows);
    int n = spec.featureSize();
    System.arraycopy(features, index * n, dst, offset, n);
  }

  @Override
  public int label(int index) {
    Objects.checkIndex(index, rows);
    return labels == null ? Sample.NO_LABEL : labels[index];
  }

  /** Number of rows left out under {@link BadRowPolicy#SKIP}. */
  public long skippedRows() {
    return skippedRows;
  }

  /**
   * Why rows were left out: the first {@value CsvReader#KEPT_BAD_ROWS} of them (the count of all
   * is {@link #skippedRows()}).
   */
  public List<BadRow> badRows() {
    return badRows;
  }

  static MalformedDataException error(String source, BadRow row) {
    return new MalformedDataException(source + ": " + row.describe());
  }
}
