package dev.finescope.train.data;

/**
 * The scores GLUE reports for its tasks. A task names its own so that an evaluation shows the number a reader of
 * the paper or the GLUE leaderboard expects (Matthews for CoLA, F1 next to accuracy for MRPC and QQP...).
 */
public enum TaskMetric {
    ACCURACY("accuracy"),
    /** F1 of the positive class (label 1) of a binary task. */
    F1("F1"),
    MATTHEWS("Matthews correlation"),
    PEARSON("Pearson correlation"),
    SPEARMAN("Spearman correlation");

    private final String displayName;

    TaskMetric(String displayName) {
        this.displayName = displayName;
    }

    /** The name shown to users. */
    public String displayName() {
        return displayName;
    }
}
