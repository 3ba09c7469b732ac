package dev.finescope.train.data;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The GLUE tasks, each with what a user must not have to look up: its folder name, the columns of its TSV files,
 * its labels in the order of the Hugging Face GLUE processors (so ids agree with models fine-tuned there), its
 * metrics, and whether it reads sentence pairs. The label spellings are the files' own. MNLI's order
 * (contradiction, entailment, neutral) is that of the {@code transformers} GLUE processors; the Hugging Face
 * {@code datasets} GLUE builder numbers them entailment, neutral, contradiction instead.
 */
public enum Task {
    /** Corpus of Linguistic Acceptability: 0 unacceptable, 1 acceptable; train and dev have no header. */
    COLA("CoLA", LabelSet.classes("0", "1"), List.of("unacceptable", "acceptable"), List.of(TaskMetric.MATTHEWS),
            "sentence", null, "label", single("dev.tsv"), single("test.tsv")),
    /** Stanford Sentiment Treebank, binary: 0 negative, 1 positive. */
    SST_2("SST-2", LabelSet.classes("0", "1"), List.of("negative", "positive"), List.of(TaskMetric.ACCURACY),
            "sentence", null, "label", single("dev.tsv"), single("test.tsv")),
    /** Microsoft Research Paraphrase Corpus: 1 when the two sentences are paraphrases. */
    MRPC("MRPC", LabelSet.classes("0", "1"), List.of("not_equivalent", "equivalent"), List.of(TaskMetric.ACCURACY, TaskMetric.F1),
            "#1 String", "#2 String", "Quality", single("dev.tsv"), single("test.tsv")),
    /** Semantic Textual Similarity Benchmark: a similarity score from 0 to 5 (regression). */
    STS_B("STS-B", LabelSet.REGRESSION, List.of(), List.of(TaskMetric.PEARSON, TaskMetric.SPEARMAN),
            "sentence1", "sentence2", "score", single("dev.tsv"), single("test.tsv")),
    /** Quora Question Pairs: 1 when the two questions are duplicates. */
    QQP("QQP", LabelSet.classes("0", "1"), List.of("not_duplicate", "duplicate"), List.of(TaskMetric.ACCURACY, TaskMetric.F1),
            "question1", "question2", "is_duplicate", single("dev.tsv"), single("test.tsv")),
    /** Multi-Genre NLI, evaluated on the matched and the mismatched genres separately. */
    MNLI("MNLI", LabelSet.classes("contradiction", "entailment", "neutral"), null, List.of(TaskMetric.ACCURACY),
            "sentence1", "sentence2", "gold_label",
            List.of("dev_matched.tsv", "dev_mismatched.tsv"), List.of("test_matched.tsv", "test_mismatched.tsv")),
    /** Question NLI (from SQuAD): does the sentence answer the question. */
    QNLI("QNLI", LabelSet.classes("entailment", "not_entailment"), null, List.of(TaskMetric.ACCURACY),
            "question", "sentence", "label", single("dev.tsv"), single("test.tsv")),
    /** Recognizing Textual Entailment. */
    RTE("RTE", LabelSet.classes("entailment", "not_entailment"), null, List.of(TaskMetric.ACCURACY),
            "sentence1", "sentence2", "label", single("dev.tsv"), single("test.tsv")),
    /** Winograd NLI: 1 when the second sentence follows from the first. */
    WNLI("WNLI", LabelSet.classes("0", "1"), List.of("not_entailment", "entailment"), List.of(TaskMetric.ACCURACY),
            "sentence1", "sentence2", "label", single("dev.tsv"), single("test.tsv"));

    /** CoLA's headerless train and dev files: {@code source, label, original mark, sentence}. */
    static final int COLA_COLUMNS = 4;
    static final int COLA_LABEL_INDEX = 1;
    static final int COLA_SENTENCE_INDEX = 3;

    /** STS-B's scores lie in this range. */
    static final float STS_B_MIN = 0f;
    static final float STS_B_MAX = 5f;

    private final String glueName;
    private final LabelSet labels;
    private final List<String> displayNames;
    private final List<TaskMetric> metrics;
    private final String textColumn;
    private final String textPairColumn;
    private final String labelColumn;
    private final List<String> devFiles;
    private final List<String> testFiles;

    Task(String glueName, LabelSet labels, List<String> displayNames, List<TaskMetric> metrics, String textColumn, String textPairColumn,
            String labelColumn, List<String> devFiles, List<String> testFiles) {
        this.glueName = glueName;
        this.labels = labels;
        this.displayNames = displayNames == null ? labels.names() : displayNames;
        this.metrics = metrics;
        this.textColumn = textColumn;
        this.textPairColumn = textPairColumn;
        this.labelColumn = labelColumn;
        this.devFiles = devFiles;
        this.testFiles = testFiles;
    }

    private static List<String> single(String file) {
        return List.of(file);
    }

    /** The name GLUE uses, which is also its folder's name in a GLUE download ({@code SST-2}, {@code STS-B}). */
    public String glueName() {
        return glueName;
    }

    /** Labels in id order, or {@link LabelSet#REGRESSION} for STS-B. */
    public LabelSet labels() {
        return labels;
    }

    /**
     * Words for the classes in id order, for people and for {@code id2label} in an exported model
     * ({@code negative}, {@code positive} for SST-2's 0 and 1, as the Hugging Face GLUE data set names them);
     * the label names themselves where they are words already; empty for STS-B.
     */
    public List<String> displayNames() {
        return displayNames;
    }

    /** The metrics GLUE reports for this task, the main one first. */
    public List<TaskMetric> metrics() {
        return metrics;
    }

    /** True when an example is a sentence pair. */
    public boolean isPair() {
        return textPairColumn != null;
    }

    /** True for STS-B. */
    public boolean isRegression() {
        return labels.regression();
    }

    /** The training file's name in the task folder. */
    public String trainFile() {
        return "train.tsv";
    }

    /** The development files' names: one, or MNLI's matched and mismatched. */
    public List<String> devFiles() {
        return devFiles;
    }

    /** The unlabelled test files' names: one, or MNLI's matched and mismatched. */
    public List<String> testFiles() {
        return testFiles;
    }

    /** The columns of a labelled file (train, dev); CoLA's are by position because its files have no header. */
    public ColumnMapping labelledColumns() {
        if (this == COLA) {
            return ColumnMapping.single(Column.at(COLA_SENTENCE_INDEX), Column.at(COLA_LABEL_INDEX));
        }
        return new ColumnMapping(Column.named(textColumn), textPairColumn == null ? null : Column.named(textPairColumn),
                Column.named(labelColumn));
    }

    /** The columns of a test file, found by the names in its header; a test file has no label column. */
    public ColumnMapping testColumns() {
        return new ColumnMapping(Column.named(textColumn), textPairColumn == null ? null : Column.named(textPairColumn),
                null);
    }

    /** True when the labelled files (train, dev) start with a header line; false only for CoLA. */
    public boolean labelledFilesHaveHeader() {
        return this != COLA;
    }

    /**
     * The task a name stands for, in any of the usual spellings: GLUE's ({@code SST-2}), the Hugging Face
     * datasets' ({@code sst2}, {@code stsb}), or the enum's ({@code STS_B}); case, dashes, underscores and spaces
     * are ignored.
     */
    public static Optional<Task> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String key = normalise(name);
        for (Task task : values()) {
            if (normalise(task.glueName).equals(key)) {
                return Optional.of(task);
            }
        }
        return Optional.empty();
    }

    private static String normalise(String name) {
        return name.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    }
}
