package dev.finescope.train;

import dev.finescope.run.DataSpec;
import dev.finescope.train.data.Column;
import dev.finescope.train.data.ColumnMapping;
import dev.finescope.train.data.DataException;
import dev.finescope.train.data.DataReader;
import dev.finescope.train.data.Dataset;
import dev.finescope.train.data.FileFormat;
import dev.finescope.train.data.GlueFolder;
import dev.finescope.train.data.LabelSpec;
import dev.finescope.train.data.Split;
import dev.finescope.train.data.Task;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the task data a run spec names: a GLUE task from its folder, or the user's own {@code train.*} and
 * {@code dev.*} files with the columns named (a test file of one's own is scored with {@code finescope eval}). Everything that makes data unusable
 * for training (no such folder, no dev file, an empty split, an unlabelled dev split) is a {@link DataException}
 * naming the file, raised before a model is built.
 */
public final class TaskData {

    private static final List<String> EXTENSIONS = List.of(".tsv", ".csv", ".jsonl", ".ndjson", ".tab");

    private TaskData() {
    }

    /** The GLUE task a data spec names, if any; an unknown name is a {@link DataException}. */
    public static Optional<Task> task(DataSpec spec) {
        if (spec.task() == null) {
            return Optional.empty();
        }
        return Optional.of(Task.fromName(spec.task()).orElseThrow(() -> new DataException(spec.path(),
                "unknown GLUE task '" + spec.task() + "' (one of " + String.join(", ", DataSpec.GLUE_TASKS) + ")")));
    }

    /** Reads and checks the data of a spec: train and dev must hold labelled examples. */
    public static Dataset read(DataSpec spec) {
        Dataset data = switch (spec.kind()) {
            case GLUE -> {
                Task task = task(spec).orElseThrow(() -> new DataException(spec.path(),
                        "GLUE data needs a task (one of " + String.join(", ", DataSpec.GLUE_TASKS) + ")"));
                yield GlueFolder.of(spec.path(), task).read();
            }
            case FILE -> readFiles(spec);
        };
        check(data.train());
        data.devSplits().forEach(TaskData::check);
        return data;
    }

    /**
     * The labelled split(s) to score a model on: from a GLUE folder (or the task's folder) the dev split(s), or
     * {@code train} or {@code test} when named (a test split must carry labels); a single file is read in the
     * task's own layout (SST-2: {@code sentence}, {@code label} with a header …).
     *
     * @param split {@code dev}, {@code train}, {@code test} or a file's split name ({@code dev_mismatched})
     */
    public static List<Split> readForEvaluation(Path data, Task task, String split) {
        List<Split> splits;
        if (Files.isRegularFile(data)) {
            DataReader.Builder b = DataReader.builder().setFormat(FileFormat.TSV).setColumns(task.labelledColumns())
                    .optHeader(task.labelledFilesHaveHeader()).optLabels(LabelSpec.fixed(task.labels()));
            if (!task.labelledFilesHaveHeader()) {
                b.optColumnCount(4);
            }
            String name = String.valueOf(data.getFileName()).replaceFirst("\\.tsv$", "");
            splits = List.of(b.build().read(data, name));
        } else {
            GlueFolder glue = GlueFolder.of(data, task);
            splits = switch (split) {
                case "dev" -> glue.readDev();
                case "train" -> List.of(glue.readTrain());
                case "test" -> glue.readTest();
                default -> {
                    List<Split> named = new ArrayList<>();
                    for (Split s : glue.readDev()) {
                        if (s.name().equals(split)) {
                            named.add(s);
                        }
                    }
                    for (Split s : glue.hasTest() ? glue.readTest() : List.<Split>of()) {
                        if (s.name().equals(split)) {
                            named.add(s);
                        }
                    }
                    if (named.isEmpty()) {
                        throw new DataException(glue.folder(), "has no split '" + split + "' (dev, train, test, or "
                                + "a file's name such as dev_mismatched)");
                    }
                    yield named;
                }
            };
        }
        splits.forEach(TaskData::check);
        return splits;
    }

    private static void check(Split split) {
        if (split.size() == 0) {
            throw new DataException(split.file(), "holds no usable example");
        }
        if (!split.isLabelled()) {
            throw new DataException(split.file(), "has examples without labels; " + split.name()
                    + " data must be labelled");
        }
    }

    private static Dataset readFiles(DataSpec spec) {
        Path folder = spec.path();
        if (!Files.isDirectory(folder)) {
            throw new DataException(folder, Files.exists(folder)
                    ? "is a single file; training needs a folder with a train file and a dev file "
                    + "(train.csv and dev.csv, or .tsv, .jsonl)"
                    : "no such folder");
        }
        Path train = find(folder, "train").orElseThrow(() -> new DataException(folder,
                "has no train file (train.csv, train.tsv or train.jsonl)"));
        Path dev = find(folder, "dev").or(() -> find(folder, "validation")).orElseThrow(() ->
                new DataException(folder, "has no dev file (dev.csv, dev.tsv or dev.jsonl)"));
        Optional<Task> task = task(spec);
        ColumnMapping columns = new ColumnMapping(Column.named(spec.textColumn()),
                spec.textPairColumn() == null ? null : Column.named(spec.textPairColumn()),
                Column.named(spec.labelColumn()));
        DataReader reader = reader(train, columns);
        if (task.isPresent()) {
            reader = reader.withLabels(LabelSpec.fixed(task.get().labels()));
        }
        Split trainSplit = reader.read(train, "train");
        Split devSplit = reader(dev, columns).withLabels(LabelSpec.fixed(trainSplit.labels())).read(dev, "dev");
        return new Dataset(folder.getFileName() == null ? folder.toString() : folder.getFileName().toString(),
                task.orElse(null), trainSplit.labels(), trainSplit, List.of(devSplit), List.of());
    }

    private static DataReader reader(Path file, ColumnMapping columns) {
        FileFormat format = FileFormat.fromFileName(file).orElseThrow(() -> new DataException(file,
                "has an extension that is not .csv, .tsv or .jsonl"));
        return DataReader.builder().setFormat(format).setColumns(columns).build();
    }

    /** {@code stem.csv}, {@code stem.tsv} … in the folder; two of them is ambiguous. */
    private static Optional<Path> find(Path folder, String stem) {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                String name = String.valueOf(p.getFileName());
                for (String ext : EXTENSIONS) {
                    if (name.equalsIgnoreCase(stem + ext) && Files.isRegularFile(p)) {
                        found.add(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new DataException(folder, "cannot be listed: " + e.getMessage(), e);
        }
        if (found.size() > 1) {
            found.sort(null);
            throw new DataException(folder, "has several " + stem + " files (" + found.stream()
                    .map(p -> String.valueOf(p.getFileName())).toList() + "); keep one");
        }
        return found.stream().findFirst();
    }
}
