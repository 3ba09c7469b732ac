package dev.finescope.train.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The data of one task: a training split, one or more development splits (MNLI has two), optional test splits,
 * and the label set they share. Training, evaluation and an overlay's provenance all start from here.
 */
public final class Dataset {

    private final String name;
    private final Task task;
    private final LabelSet labels;
    private final Split train;
    private final List<Split> dev;
    private final List<Split> test;

    /**
     * @param name   what the user calls this data (the GLUE task name, or the training file's name)
     * @param task   the GLUE task, or {@code null} for the user's own files
     * @param labels the label set of every split
     * @param train  the training split
     * @param dev    the development splits, at least one
     * @param test   the test splits, possibly none
     */
    public Dataset(String name, Task task, LabelSet labels, Split train, List<Split> dev, List<Split> test) {
        this.name = Objects.requireNonNull(name, "name");
        this.task = task;
        this.labels = Objects.requireNonNull(labels, "labels");
        this.train = Objects.requireNonNull(train, "train");
        this.dev = List.copyOf(dev);
        this.test = List.copyOf(test);
        if (this.dev.isEmpty()) {
            throw new IllegalArgumentException("a data set needs a development split");
        }
        for (Split split : splits()) {
            if (!split.labels().equals(labels)) {
                throw new IllegalArgumentException(split.name() + " has labels " + split.labels().names()
                        + " where the data set has " + labels.names());
            }
        }
    }

    public String name() {
        return name;
    }

    /** The GLUE task, if this is one. */
    public Optional<Task> task() {
        return Optional.ofNullable(task);
    }

    public LabelSet labels() {
        return labels;
    }

    public Split train() {
        return train;
    }

    /** The development split, or MNLI's matched one. */
    public Split dev() {
        return dev.get(0);
    }

    /** Every development split (MNLI: matched, then mismatched). */
    public List<Split> devSplits() {
        return dev;
    }

    /** The test splits; empty when no test file was given. */
    public List<Split> testSplits() {
        return test;
    }

    /** True for sentence-pair data. */
    public boolean isPair() {
        return train.examples().stream().anyMatch(Example::isPair);
    }

    /**
     * The metrics to report: the GLUE task's, otherwise accuracy (with F1 for two classes) for a classification and
     * Pearson and Spearman for a regression.
     */
    public List<TaskMetric> metrics() {
        if (task != null) {
            return task.metrics();
        }
        if (labels.regression()) {
            return List.of(TaskMetric.PEARSON, TaskMetric.SPEARMAN);
        }
        return labels.size() == 2 ? List.of(TaskMetric.ACCURACY, TaskMetric.F1) : List.of(TaskMetric.ACCURACY);
    }

    /** Train, dev and test splits in that order. */
    public List<Split> splits() {
        List<Split> all = new java.util.ArrayList<>();
        all.add(train);
        all.addAll(dev);
        all.addAll(test);
        return List.copyOf(all);
    }

    /** Split name → SHA-256 of its file, in split order: the data's provenance. */
    public Map<String, String> fileHashes() {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Split split : splits()) {
            hashes.put(split.name(), split.sha256());
        }
        return hashes;
    }

    /** Rows skipped over all splits. */
    public long problemCount() {
        return splits().stream().mapToLong(Split::problemCount).sum();
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + labels + ", " + splits().stream().map(Split::summary).toList() + "]";
    }
}
