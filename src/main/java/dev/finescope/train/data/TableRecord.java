package dev.finescope.train.data;

import java.util.List;

/**
 * One record of a CSV or TSV file: its cells, or the reason it could not be split into cells.
 *
 * @param line    the 1-based line on which the record starts
 * @param cells   the cells in order (possibly incomplete when {@code problem} is set)
 * @param problem why the record is unusable, or {@code null}
 */
record TableRecord(long line, List<String> cells, String problem) {
}
