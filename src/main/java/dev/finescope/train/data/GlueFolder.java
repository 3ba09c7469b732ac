package dev.finescope.train.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A GLUE task's files as the GLUE download lays them out ({@code glue_data/SST-2/train.tsv}...), found from either
 * the GLUE folder or the task's own folder, and read with the task's real layout: tab-separated without quoting,
 * CoLA's train and dev files without a header, the others' columns found by their header names, test files
 * without labels, MNLI's dev and test files matched and mismatched. A test file whose header has the task's
 * label column (a labelled test split in the same layout, like FineScope's sample data) is read with its labels.
 */
public final class GlueFolder {

    private final Task task;
    private final Path folder;
    private final ProblemPolicy policy;

    private GlueFolder(Task task, Path folder, ProblemPolicy policy) {
        this.task = task;
        this.folder = folder;
        this.policy = policy;
    }

    /**
     * The task's folder inside {@code folder} (its GLUE name, in any case: {@code SST-2}, {@code sst-2}), or
     * {@code folder} itself when the task's training or development file is right there.
     *
     * @throws DataException naming the places looked at when neither holds the task, or when {@code folder} is
     *                       named after another task
     */
    public static GlueFolder of(Path folder, Task task) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(task, "task");
        if (!Files.isDirectory(folder)) {
            throw new DataException(folder, Files.exists(folder) ? "is not a folder" : "no such folder");
        }
        Optional<Path> sub = child(folder, task.glueName());
        if (sub.isPresent() && Files.isDirectory(sub.get())) {
            return new GlueFolder(task, sub.get(), ProblemPolicy.SKIP_AND_REPORT);
        }
        Optional<Task> named = taskOf(folder);
        if (named.isPresent() && named.get() != task) {
            throw new DataException(folder, "is the GLUE " + named.get().glueName() + " folder, not " + task.glueName());
        }
        if (Files.isRegularFile(folder.resolve(task.trainFile()))
                || Files.isRegularFile(folder.resolve(task.devFiles().get(0)))) {
            return new GlueFolder(task, folder, ProblemPolicy.SKIP_AND_REPORT);
        }
        throw new DataException(folder, "holds no GLUE " + task.glueName() + " data: neither "
                + folder.resolve(task.glueName()).resolve(task.trainFile()) + " nor "
                + folder.resolve(task.trainFile()) + " exists");
    }

    /** The task a folder's name stands for ({@code .../SST-2} → SST-2), if any. */
    public static Optional<Task> taskOf(Path taskFolder) {
        Path name = taskFolder.getFileName();
        return name == null ? Optional.empty() : Task.fromName(name.toString());
    }

    /** The tasks whose folders a GLUE folder holds, in {@link Task} order. */
    public static List<Task> tasksIn(Path glueFolder) {
        List<Task> tasks = new ArrayList<>();
        for (Task task : Task.values()) {
            Optional<Path> sub = child(glueFolder, task.glueName());
            if (sub.isPresent() && Files.isDirectory(sub.get())) {
                tasks.add(task);
            }
        }
        return tasks;
    }

    private static Optional<Path> child(Path folder, String name) {
        Path exact = folder.resolve(name);
        if (Files.isDirectory(exact)) {
            return Optional.of(exact);
        }
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                Path entryName = entry.getFileName();
                if (entryName != null && entryName.toString().equalsIgnoreCase(name)) {
                    return Optional.of(entry);
                }
            }
        } catch (IOException e) {
            throw new DataException(folder, "cannot be listed: " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /** The same folder, read with another problem policy. */
    public GlueFolder withPolicy(ProblemPolicy newPolicy) {
        return new GlueFolder(task, folder, Objects.requireNonNull(newPolicy, "policy"));
    }

    public Task task() {
        return task;
    }

    /** The task's own folder. */
    public Path folder() {
        return folder;
    }

    public Path trainFile() {
        return folder.resolve(task.trainFile());
    }

    public List<Path> devFiles() {
        return task.devFiles().stream().map(folder::resolve).toList();
    }

    public List<Path> testFiles() {
        return task.testFiles().stream().map(folder::resolve).toList();
    }

    /** True when every test file is there. */
    public boolean hasTest() {
        return testFiles().stream().allMatch(Files::isRegularFile);
    }

    public Split readTrain() {
        return readLabelled(trainFile());
    }

    /** The development splits: one, or MNLI's matched and mismatched. */
    public List<Split> readDev() {
        return devFiles().stream().map(this::readLabelled).toList();
    }

    /** The test splits: without labels, unless a file's header has the label column. */
    public List<Split> readTest() {
        return testFiles().stream().map(this::readTest).toList();
    }

    /**
     * Train and dev splits, and the test splits when the test files are there (they are for predictions only,
     * and often left out of copies of GLUE).
     *
     * @throws DataException naming the first missing train or dev file, or a file that cannot be read
     */
    public Dataset read() {
        for (Path required : required()) {
            if (!Files.isRegularFile(required)) {
                throw new DataException(required, "no such file: GLUE " + task.glueName() + " needs "
                        + String.join(", ", names(required())));
            }
        }
        List<Split> test = hasTest() ? readTest() : List.of();
        return new Dataset(task.glueName(), task, task.labels(), readTrain(), readDev(), test);
    }

    private List<Path> required() {
        List<Path> files = new ArrayList<>();
        files.add(trainFile());
        files.addAll(devFiles());
        return files;
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> String.valueOf(p.getFileName())).toList();
    }

    private Split readLabelled(Path file) {
        DataReader.Builder b = baseReader().setColumns(task.labelledColumns())
                .optHeader(task.labelledFilesHaveHeader());
        if (!task.labelledFilesHaveHeader()) {
            b.optColumnCount(Task.COLA_COLUMNS);
        }
        if (task == Task.STS_B) {
            b.optTargetRange(Task.STS_B_MIN, Task.STS_B_MAX);
        }
        return b.build().read(file, splitName(file));
    }

    private Split readTest(Path file) {
        if (task.labelledFilesHaveHeader() && headerHasLabelColumn(file)) {
            return readLabelled(file);
        }
        return baseReader().setColumns(task.testColumns()).optHeader(true).build().read(file, splitName(file));
    }

    private boolean headerHasLabelColumn(Path file) {
        try (LineReader lines = new LineReader(Files.newInputStream(file), file)) {
            LineReader.Line header = lines.next();
            return header != null && TsvParser.split(header.text()).stream().map(String::strip)
                    .anyMatch(task.labelledColumns().label().name()::equals);
        } catch (NoSuchFileException e) {
            throw new DataException(file, "no such file");
        } catch (IOException e) {
            throw new DataException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private DataReader.Builder baseReader() {
        return DataReader.builder().setFormat(FileFormat.TSV).optLabels(LabelSpec.fixed(task.labels()))
                .optProblemPolicy(policy);
    }

    private static String splitName(Path file) {
        String name = String.valueOf(file.getFileName());
        return name.endsWith(".tsv") ? name.substring(0, name.length() - 4) : name;
    }

    @Override
    public String toString() {
        return "GLUE " + task.glueName() + " at " + folder;
    }
}
