package dev.finescope.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a run's task data lives and how to read it: a GLUE task as GLUE distributes it, or a user's own
 * CSV/TSV/JSONL with the columns named. Kept small and declarative so that the app, the command line and a
 * spec file on a GPU server all describe data the same way; the training side does the reading.
 *
 * @param kind           GLUE or a file of one's own
 * @param path           GLUE: the folder holding one folder per task ({@code glue_data}) or the task's own
 *                       folder; FILE: a {@code .csv}, {@code .tsv} or {@code .jsonl} file, or a folder holding
 *                       {@code train.*} and {@code dev.*} files of one of those formats
 * @param task           GLUE: the task ({@code CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI}); FILE:
 *                       optionally the GLUE task whose head and metrics apply, {@code null} for a classification
 *                       whose labels come from the data
 * @param textColumn     FILE: the column (CSV/TSV header) or key (JSONL) of the text; {@code null} for GLUE
 * @param textPairColumn FILE: the second text of sentence-pair tasks, or {@code null}
 * @param labelColumn    FILE: the label's column or key; {@code null} for GLUE
 */
public record DataSpec(Kind kind, Path path, String task, String textColumn, String textPairColumn,
        String labelColumn) {

    /** The GLUE tasks, spelled as GLUE spells their folders. */
    public static final List<String> GLUE_TASKS =
            List.of("CoLA", "SST-2", "MRPC", "STS-B", "QQP", "MNLI", "QNLI", "RTE", "WNLI");

    private static final Set<String> KEYS =
            Set.of("kind", "path", "task", "textColumn", "textPairColumn", "labelColumn");

    /** Which of the two ways of naming data. */
    public enum Kind {
        GLUE, FILE;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DataSpec {
        if (kind == null || path == null) {
            throw new IllegalArgumentException("data needs a kind and a path");
        }
    }

    /** A GLUE task; {@code task} is matched to GLUE's spelling regardless of case. */
    public static DataSpec glue(Path folder, String task) {
        return new DataSpec(Kind.GLUE, folder, canonicalTask(task), null, null, null);
    }

    /** A file (or train/dev folder) of one's own with its column names; {@code textPairColumn} may be null. */
    public static DataSpec file(Path file, String textColumn, String textPairColumn, String labelColumn) {
        return new DataSpec(Kind.FILE, file, null, textColumn, textPairColumn, labelColumn);
    }

    public DataSpec withTask(String newTask) {
        return new DataSpec(kind, path, canonicalTask(newTask), textColumn, textPairColumn, labelColumn);
    }

    /** What is wrong with this data spec, one sentence each; empty when nothing is. */
    public List<String> problems() {
        return LaunchCheck.texts(LaunchCheck.data(this));
    }

    /** This data spec as the JSON object a run spec holds (also what a sweep file's tasks are). */
    public ObjectNode toTree() {
        ObjectNode n = Json.object();
        n.put("kind", kind.jsonName());
        n.put("path", path.toString());
        putIfPresent(n, "task", task);
        putIfPresent(n, "textColumn", textColumn);
        putIfPresent(n, "textPairColumn", textPairColumn);
        putIfPresent(n, "labelColumn", labelColumn);
        return n;
    }

    /**
     * Reads the JSON object a run spec holds; relative paths are relative to {@code baseDir} when it is given.
     * Problems are {@link IllegalArgumentException}s whose message names the key.
     */
    public static DataSpec fromTree(JsonNode n, Path baseDir) {
        Json.checkKeys(n, KEYS, "data");
        String k = Json.text(n, "kind", "data");
        Kind kind;
        try {
            kind = Kind.valueOf(k.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data.kind '" + k + "' is neither 'glue' nor 'file'");
        }
        return new DataSpec(kind, Json.path(n, "path", "data", baseDir),
                canonicalTask(Json.optionalText(n, "task", "data")),
                Json.optionalText(n, "textColumn", "data"), Json.optionalText(n, "textPairColumn", "data"),
                Json.optionalText(n, "labelColumn", "data"));
    }

    /** The same data with its path absolute. */
    public DataSpec toAbsolute() {
        return new DataSpec(kind, path.toAbsolutePath().normalize(), task, textColumn, textPairColumn, labelColumn);
    }

    private static String canonicalTask(String task) {
        if (task == null) {
            return null;
        }
        for (String t : GLUE_TASKS) {
            if (t.equalsIgnoreCase(task.trim()) || t.replace("-", "").equalsIgnoreCase(task.trim())) {
                return t;
            }
        }
        return task;
    }

    private static void putIfPresent(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
