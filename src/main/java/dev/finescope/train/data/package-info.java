/**
 * Task data: GLUE tasks in their real TSV layouts and the user's own CSV, TSV or JSONL files with a column
 * mapping. Bad rows are counted and reported with their line numbers, never dropped in silence. Readable
 * without DJL, so the app can show a data set before any training.
 */
package dev.finescope.train.data;
