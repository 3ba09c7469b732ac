package dev.finescope.ui;

import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.runs.RunItem;
import dev.finescope.ui.runs.RunsViewModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringExpression;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableNumberValue;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The bottom line, as IDEs have it: one indicator of the work in the background (a training run, a what-if sweep,
 * an analysis) with the newest one's progress; a click lists them all in a popover, each with its progress and its
 * cancel. After an export it says where the file went, with a link that opens the folder. Nothing in it is ever cut
 * short: one indicator takes the room, the engine keeps its own.
 */
public final class StatusBar extends HBox {

    /** One piece of background work as the popover lists it. */
    public record Entry(StringExpression text, ObservableNumberValue progress, Runnable cancel,
            ObservableBooleanValue cancelDisabled, String cancelTip) {
    }

    private final TaskTracker tracker;
    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final Button indicator = new Button();
    private final ProgressBar bar = new ProgressBar();
    private final VBox list = new VBox(8);
    /**
     * The list, in a plain popup above the indicator. (ControlsFX's PopOver, whose arrow is a path bound to its
     * size, could keep re-laying itself out without end when the list's wrapped rows changed height.)
     */
    private final javafx.stage.Popup popover = new javafx.stage.Popup();
    private final Label notice = new Label();
    private final Hyperlink openFolder = new Hyperlink("Open folder");
    private RunsViewModel runs;
    private Consumer<Path> folderOpener;
    private Path noticeFolder;

    public StatusBar(TaskTracker tracker, String engine) {
        this.tracker = tracker;
        setId("status-bar");
        getStyleClass().add("status-bar");
        indicator.setId("status-tasks");
        indicator.getStyleClass().addAll("flat", "small");
        indicator.setMaxWidth(460);
        indicator.setTooltip(new Tooltip("Work in the background; click for the list, each with its cancel"));
        indicator.setOnAction(e -> togglePopover());
        bar.setId("status-progress");
        bar.setPrefWidth(140);
        bar.setMinWidth(80);
        list.setId("status-task-list");
        list.setPadding(new Insets(10));
        list.setPrefWidth(460);
        // the popup is a window of its own: its box takes the theme's colours and border
        Label title = new Label("Background tasks");
        title.getStyleClass().add("text-bold");
        VBox box = new VBox(6, title, list);
        box.setPadding(new Insets(8, 4, 4, 4));
        // square and without a shadow: where the system draws no transparent windows (X without a compositor), a
        // popup's corners and shadow would show as a white frame
        box.setStyle("-fx-background-color: -color-bg-default; -fx-border-color: -color-border-default;");
        popover.getContent().add(box);
        popover.setAutoHide(true);
        popover.setAnchorLocation(javafx.stage.PopupWindow.AnchorLocation.WINDOW_BOTTOM_LEFT);
        notice.setId("status-notice");
        notice.setMinWidth(0);
        openFolder.setId("status-open-folder");
        openFolder.setOnAction(e -> {
            if (noticeFolder != null && folderOpener != null) {
                folderOpener.accept(noticeFolder);
            }
        });
        showNotice(null, null);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label engineLabel = new Label(engine);
        engineLabel.setId("status-engine");
        engineLabel.setMinWidth(Region.USE_PREF_SIZE);
        engineLabel.setTooltip(new Tooltip("Training runs as a separate process with DJL " + Versions.DJL));
        getChildren().addAll(indicator, bar, notice, openFolder, spacer, engineLabel);
        setAlignment(Pos.CENTER_LEFT);
        setSpacing(10);
        setPadding(new Insets(2, 10, 2, 6));
        tracker.running().addListener((ListChangeListener<Task<?>>) c -> rebuild());
        entries.addListener((ListChangeListener<Entry>) c -> update());
        rebuild();
        update();
    }

    /** The work the popover lists, newest first: training runs, then tasks. For tests and the window. */
    public ObservableList<Entry> entries() {
        return FXCollections.unmodifiableObservableList(entries);
    }

    /** Opens or closes the list of background work. */
    public void togglePopover() {
        if (popover.isShowing()) {
            popover.hide();
        } else if (!entries.isEmpty() && getScene() != null && getScene().getWindow() != null) {
            javafx.geometry.Point2D corner = indicator.localToScreen(0, 0);
            popover.show(getScene().getWindow(), corner.getX(), corner.getY() - 4);
        }
    }

    /** The popup listing the work, for tests. */
    javafx.stage.Popup popover() {
        return popover;
    }

    /**
     * Lists the training runs that still train, as ui.md's bottom line does: name, step, loss and ETA, progress and
     * a cancel; "show" in a run's row opens the runs tab with {@code showRuns}.
     */
    public void followRuns(RunsViewModel runs, Runnable showRuns) {
        this.runs = runs;
        this.showRuns = showRuns;
        runs.runs().addListener((ListChangeListener<RunItem>) c -> {
            while (c.next()) {
                for (RunItem r : c.getAddedSubList()) {
                    r.statusProperty().addListener(o -> rebuild());
                }
            }
            rebuild();
        });
        runs.runs().forEach(r -> r.statusProperty().addListener(o -> rebuild()));
        rebuild();
    }

    private Runnable showRuns = () -> {
    };

    /** Says where an export went, with a link opening its folder through {@code opener} (null: no link). */
    public void followExports(ObservableValue<Path> lastExport, Consumer<Path> opener) {
        this.folderOpener = opener;
        lastExport.addListener((obs, old, file) -> showNotice(file, opener));
    }

    private void showNotice(Path file, Consumer<Path> opener) {
        boolean on = file != null;
        noticeFolder = on ? file.toAbsolutePath().getParent() : null;
        notice.setText(on ? "Saved " + file.getFileName() + " in " + noticeFolder : "");
        notice.setTooltip(on ? new Tooltip(file.toAbsolutePath().toString()) : null);
        notice.setVisible(on);
        notice.setManaged(on);
        boolean link = on && opener != null && noticeFolder != null;
        openFolder.setVisible(link);
        openFolder.setManaged(link);
    }

    private void rebuild() {
        List<Entry> now = new ArrayList<>();
        if (runs != null) {
            for (RunItem r : runs.runs()) {
                if (r.status() == RunStatus.RUNNING) {
                    now.add(new Entry(Bindings.concat("▶ ", r.nameProperty(), ": ", r.summaryProperty()),
                            r.progressProperty(), () -> runs.cancel(r), r.cancelRequestedProperty(),
                            "Ask this run to stop after its current step"));
                }
            }
        }
        List<Task<?>> tasks = new ArrayList<>(tracker.running());
        java.util.Collections.reverse(tasks);
        for (Task<?> t : tasks) {
            StringExpression text = Bindings.createStringBinding(() -> {
                String title = t instanceof ProgressTask<?> p ? p.title() : t.getTitle();
                return t.getMessage() == null || t.getMessage().isBlank() ? title : title + " · " + t.getMessage();
            }, t.titleProperty(), t.messageProperty());
            now.add(new Entry(text, t.progressProperty(), t::cancel, Bindings.createBooleanBinding(() -> false),
                    "Stop this work; what was open stays open"));
        }
        entries.setAll(now);
    }

    private void update() {
        indicator.textProperty().unbind();
        bar.progressProperty().unbind();
        boolean busy = !entries.isEmpty();
        bar.setVisible(busy);
        bar.setManaged(busy);
        if (!busy) {
            indicator.setText("Ready");
            popover.hide();
        } else if (entries.size() == 1) {
            indicator.textProperty().bind(entries.get(0).text());
            bar.progressProperty().bind(entries.get(0).progress());
        } else {
            indicator.setText("▾ " + entries.size() + " background tasks");
            bar.progressProperty().bind(entries.get(0).progress());
        }
        list.getChildren().clear();
        for (Entry e : entries) {
            list.getChildren().add(row(e));
        }
    }

    private HBox row(Entry e) {
        Label text = new Label();
        text.textProperty().bind(e.text());
        text.setWrapText(true);
        text.setMaxWidth(300);
        text.getStyleClass().add("status-entry-text");
        if (text.getText().startsWith("▶ ")) {
            text.setId("status-run");
            text.setOnMouseClicked(m -> showRuns.run());
            text.setTooltip(new Tooltip("Training in its own process; click for its curves and log"));
        }
        ProgressBar p = new ProgressBar();
        p.progressProperty().bind(e.progress());
        p.setPrefWidth(100);
        Button cancel = new Button("Cancel");
        cancel.getStyleClass().add("small");
        cancel.setMinWidth(Region.USE_PREF_SIZE);
        p.setMinWidth(Region.USE_PREF_SIZE);
        cancel.setTooltip(new Tooltip(e.cancelTip()));
        cancel.disableProperty().bind(Bindings.createBooleanBinding(e.cancelDisabled()::get, e.cancelDisabled()));
        cancel.setOnAction(a -> e.cancel().run());
        HBox row = new HBox(10, text, p, cancel);
        row.getStyleClass().add("status-entry");
        row.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(text, Priority.ALWAYS);
        return row;
    }
}
