package dev.finescope.ui.runs;

import dev.finescope.run.RunStatus;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** A run in the runs list: a status mark, its name, a progress bar and a line on where it stands. */
final class RunCell extends ListCell<RunItem> {

    private final Label mark = new Label();
    private final Label name = new Label();
    private final ProgressBar bar = new ProgressBar();
    private final Label summary = new Label();
    private final VBox box;

    RunCell() {
        mark.setMinWidth(20);
        mark.setStyle("-fx-font-size: 15px;");
        name.setStyle("-fx-font-weight: bold;");
        // a run's name says plan, sparsity, seed and time: it wraps rather than being cut
        name.setWrapText(true);
        name.setMinHeight(USE_PREF_SIZE);
        bar.setMaxWidth(Double.MAX_VALUE);
        summary.setStyle("-fx-font-size: 11px;");
        HBox title = new HBox(6, mark, name);
        title.setAlignment(Pos.CENTER_LEFT);
        box = new VBox(3, title, bar, summary);
        box.maxWidthProperty().bind(widthProperty().subtract(16));
        box.prefWidthProperty().bind(widthProperty().subtract(16));
        summary.setWrapText(true);
        summary.setMinHeight(USE_PREF_SIZE);
        box.setPadding(new Insets(4, 2, 4, 2));
        HBox.setHgrow(bar, Priority.ALWAYS);
        setText(null);
        // A list cell sizes itself to its content only at JavaFX's default cell size (24 px); themes such as
        // AtlantaFX set another, which would squeeze the progress bar to nothing.
        setStyle("-fx-cell-size: 24px;");
        bar.setMinHeight(USE_PREF_SIZE);
    }

    @Override
    protected void updateItem(RunItem item, boolean empty) {
        super.updateItem(item, empty);
        mark.textProperty().unbind();
        mark.styleProperty().unbind();
        name.textProperty().unbind();
        bar.progressProperty().unbind();
        summary.textProperty().unbind();
        if (empty || item == null) {
            setGraphic(null);
            return;
        }
        mark.textProperty().bind(Bindings.createStringBinding(() -> glyph(item.status()), item.statusProperty()));
        mark.styleProperty().bind(Bindings.createStringBinding(
                () -> "-fx-font-size: 15px; -fx-text-fill: " + colour(item.status()) + ";", item.statusProperty()));
        name.textProperty().bind(item.nameProperty());
        bar.progressProperty().bind(item.progressProperty());
        summary.textProperty().bind(item.summaryProperty());
        setGraphic(box);
    }

    /** ▶ running, ✓ finished, ✗ failed, ■ cancelled, ⚠ ended without a word. */
    static String glyph(RunStatus s) {
        return switch (s) {
            case RUNNING -> "▶";
            case FINISHED -> "✓";
            case FAILED -> "✗";
            case CANCELLED -> "■";
            case INTERRUPTED -> "‖";
            case CRASHED -> "⚠";
        };
    }

    private static String colour(RunStatus s) {
        return switch (s) {
            case RUNNING -> "#0072b2";
            case FINISHED -> "#009e73";
            case FAILED, CRASHED -> "#d55e00";
            case CANCELLED -> "#707070";
            case INTERRUPTED -> "#e69f00";
        };
    }
}
