package dev.finescope.ui;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The bottom line: the newest background work with its progress and a cancel button, how many more are running,
 * and where training runs go. Hidden parts take no room when nothing runs.
 */
public final class StatusBar extends HBox {

    private final TaskTracker tracker;
    private final Label what = new Label();
    private final ProgressBar bar = new ProgressBar();
    private final Button cancel = new Button("cancel");
    private final Label more = new Label();
    private Task<?> shown;

    public StatusBar(TaskTracker tracker, String engine) {
        this.tracker = tracker;
        setId("status-bar");
        getStyleClass().add("status-bar");
        what.setId("status-text");
        bar.setId("status-progress");
        bar.setPrefWidth(180);
        cancel.setId("status-cancel");
        cancel.getStyleClass().add("small");
        cancel.setTooltip(new Tooltip("Stop this work; what was open stays open"));
        cancel.setOnAction(e -> {
            if (shown != null) {
                shown.cancel();
            }
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label engineLabel = new Label(engine);
        engineLabel.setId("status-engine");
        engineLabel.setTooltip(new Tooltip("Training runs as a separate process with DJL " + Versions.DJL));
        getChildren().addAll(what, bar, cancel, more, spacer, engineLabel);
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(10);
        setPadding(new Insets(4, 10, 4, 10));
        tracker.running().addListener((ListChangeListener<Task<?>>) c -> update());
        update();
    }

    private void update() {
        var running = tracker.running();
        shown = running.isEmpty() ? null : running.get(running.size() - 1);
        boolean busy = shown != null;
        for (var n : new javafx.scene.Node[] {bar, cancel}) {
            n.setVisible(busy);
            n.setManaged(busy);
        }
        what.textProperty().unbind();
        bar.progressProperty().unbind();
        if (!busy) {
            what.setText("Ready");
            more.setText("");
            return;
        }
        Task<?> t = shown;
        what.textProperty().bind(Bindings.createStringBinding(() -> {
            String title = t instanceof ProgressTask<?> p ? p.title() : t.getTitle();
            return t.getMessage() == null || t.getMessage().isBlank() ? title : title + " · " + t.getMessage();
        }, t.titleProperty(), t.messageProperty()));
        bar.progressProperty().bind(t.progressProperty());
        more.setText(running.size() > 1 ? "+" + (running.size() - 1) + " more" : "");
    }
}
