package dev.finescope.ui;

import dev.finescope.ui.common.UiExecutor;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;

/**
 * The app's executor: runs tasks on another executor and keeps the list of those still running, which the status
 * bar shows with their progress and a cancel button. The list changes on the FX thread only.
 */
public final class TaskTracker implements UiExecutor {

    private final UiExecutor delegate;
    private final ObservableList<Task<?>> running = FXCollections.observableArrayList();

    public TaskTracker(UiExecutor delegate) {
        this.delegate = delegate;
    }

    @Override
    public <T> void execute(Task<T> task) {
        Runnable track = () -> {
            running.add(task);
            task.stateProperty().addListener((obs, was, now) -> {
                if (now == Worker.State.SUCCEEDED || now == Worker.State.FAILED || now == Worker.State.CANCELLED) {
                    running.remove(task);
                }
            });
        };
        if (Platform.isFxApplicationThread()) {
            track.run();
        } else {
            Platform.runLater(track);
        }
        delegate.execute(task);
    }

    /** Tasks started and not yet done, oldest first. */
    public ObservableList<Task<?>> running() {
        return running;
    }

    /** Asks every running task to stop. */
    public void cancelAll() {
        for (Task<?> t : running.toArray(Task<?>[]::new)) {
            t.cancel();
        }
    }
}
