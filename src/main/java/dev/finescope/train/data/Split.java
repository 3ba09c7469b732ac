package dev.finescope.train.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One data file read: its examples, the rows that could not be used and why, and the SHA-256 of its bytes (the
 * provenance a trained overlay records). Problems are part of the result rather than a log line so that the
 * CLI and the app can show how many rows were skipped and where.
 *
 * @param name         the split's name ({@code train}, {@code dev}, {@code dev_mismatched}, {@code test}...)
 * @param file         the file read
 * @param sha256       SHA-256 of the file's bytes, lower-case hex
 * @param labels       the label set the examples' class ids refer to (or {@link LabelSet#REGRESSION})
 * @param examples     the usable rows in file order
 * @param problems     the first {@link #MAX_KEPT_PROBLEMS} problems in file order
 * @param problemCount how many rows were skipped in all
 */
public record Split(String name, Path file, String sha256, LabelSet labels, List<Example> examples,
        List<Problem> problems, long problemCount) {

    /** Problems kept with their line numbers; beyond this only the count grows. */
    public static final int MAX_KEPT_PROBLEMS = 1000;

    public Split {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(labels, "labels");
        examples = List.copyOf(examples);
        problems = List.copyOf(problems);
        if (problemCount < problems.size()) {
            throw new IllegalArgumentException("problemCount " + problemCount + " < " + problems.size() + " problems");
        }
    }

    /** The number of examples. */
    public int size() {
        return examples.size();
    }

    /** True when every example has a label (false for GLUE test files). */
    public boolean isLabelled() {
        return examples.stream().allMatch(Example::hasLabel);
    }

    /** One line for a person: {@code train: 6,920 examples, 2 rows skipped (train.tsv)}. */
    public String summary() {
        return String.format("%s: %,d examples%s (%s)", name, examples.size(),
                problemCount == 0 ? "" : String.format(", %,d rows skipped", problemCount), file);
    }
}
