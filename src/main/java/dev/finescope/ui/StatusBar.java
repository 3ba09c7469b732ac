package dev.finescope.ui;

import dev.finescope.run.RunStatus;
import dev.finescope.ui.runs.RunItem;
import dev.finescope.ui.runs.RunsViewModel;

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
 * the newest training run with its step, loss, ETA and a cancel, and where training runs go. Hidden parts take no room when nothing runs.
 */
public final class StatusBar extends HBox {

    private final TaskTracker tracker;
    private final Label what = new Label();
    private final ProgressBar bar = new ProgressBar();
    private final Button cancel = new Button("cancel");
    private final Label more = new Label();
    private Task<?> shown;
    private final Label runText = new Label();
    private final ProgressBar runBar = new ProgressBar();
    private final Button runCancel = new Button("cancel run");
    private RunsViewModel runs;
    private RunItem shownRun;

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
        runText.setId("status-run");
        runBar.setId("status-run-progress");
        runBar.setPrefWidth(140);
        runCancel.setId("status-run-cancel");
        runCancel.getStyleClass().add("small");
        runCancel.setTooltip(new Tooltip("Ask this run to stop after its current step"));
        showRun(null);
        getChildren().addAll(what, bar, cancel, more, spacer, runText, runBar, runCancel, engineLabel);
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(10);
        setPadding(new Insets(4, 10, 4, 10));
        tracker.running().addListener((ListChangeListener<Task<?>>) c -> update());
        update();
    }

    /**
     * Shows the newest training run that still trains, as ui.md's bottom line does: its name, step, loss and ETA,
     * its progress and a cancel; a click on the text opens the runs tab with {@code showRuns}.
     */
    public void followRuns(RunsViewModel runs, Runnable showRuns) {
        this.runs = runs;
        runText.setOnMouseClicked(e -> showRuns.run());
        runText.setTooltip(new Tooltip("Training in its own process; click for its curves and log"));
        runs.runs().addListener((ListChangeListener<RunItem>) c -> {
            while (c.next()) {
                for (RunItem r : c.getAddedSubList()) {
                    r.statusProperty().addListener(o -> pickRun());
                }
            }
            pickRun();
        });
        runs.runs().forEach(r -> r.statusProperty().addListener(o -> pickRun()));
        pickRun();
    }

    private void pickRun() {
        RunItem newest = runs.runs().stream().filter(r -> r.status() == RunStatus.RUNNING).findFirst().orElse(null);
        if (newest != shownRun) {
            showRun(newest);
        }
    }

    private void showRun(RunItem run) {
        shownRun = run;
        runText.textProperty().unbind();
        runBar.progressProperty().unbind();
        boolean on = run != null;
        for (var n : new javafx.scene.Node[] {runText, runBar, runCancel}) {
            n.setVisible(on);
            n.setManaged(on);
        }
        if (!on) {
            runText.setText("");
            runCancel.setOnAction(null);
            return;
        }
        runText.textProperty().bind(Bindings.concat("▶ ", run.nameProperty(), ": ", run.summaryProperty()));
        runBar.progressProperty().bind(run.progressProperty());
        runCancel.setOnAction(e -> runs.cancel(run));
        runCancel.disableProperty().bind(run.cancelRequestedProperty());
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
