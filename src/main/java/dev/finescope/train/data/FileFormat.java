package dev.finescope.train.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The generic text formats task data comes in. TSV here means GLUE's convention: fields split on every tab,
 * with no quoting at all, because GLUE's files hold unbalanced quote characters that a quoting reader would
 * swallow. CSV follows RFC 4180.
 */
public enum FileFormat {
    /** RFC 4180: comma-separated, fields may be double-quoted, {@code ""} is a quote inside one. */
    CSV,
    /** Tab-separated, no quoting (GLUE's layout). */
    TSV,
    /** One JSON object (fields by name) or array (fields by index) per line. */
    JSONL;

    /** The format a file name's extension suggests ({@code .csv}, {@code .tsv}/{@code .tab}, {@code .jsonl}/{@code .ndjson}). */
    public static Optional<FileFormat> fromFileName(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (lower.endsWith(".tsv") || lower.endsWith(".tab")) {
            return Optional.of(TSV);
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return Optional.of(JSONL);
        }
        return Optional.empty();
    }
}
