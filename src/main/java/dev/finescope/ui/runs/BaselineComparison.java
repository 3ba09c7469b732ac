package dev.finescope.ui.runs;

import dev.finescope.common.Latest;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;

/**
 * What finished runs are compared with, so a run that learned nothing says so: the workspace's head-only model,
 * else a head-only run of the list, else the majority class of the task data. The workspace's baseline is read
 * in the background whenever its models or data change.
 */
final class BaselineComparison {

    private final Workspace workspace;
    private final UiExecutor executor;
    private final List<RunItem> runs;
    /** What the workspace's files say a run must beat (its head-only model, the majority class); null if unknown. */
    private final ObjectProperty<Baseline> workspaceBaseline = new SimpleObjectProperty<>(this, "workspaceBaseline");
    private final Latest requests = new Latest();

    /** @param runs the list of runs, read on the FX thread */
    BaselineComparison(Workspace workspace, UiExecutor executor, List<RunItem> runs) {
        this.workspace = workspace;
        this.executor = executor;
        this.runs = runs;
        workspace.getTunedModels().addListener((ListChangeListener<TunedModel>) c -> findBaseline());
        workspace.dataProperty().addListener((obs, old, data) -> findBaseline());
        workspaceBaseline.addListener((obs, old, b) -> compareRuns());
    }

    ReadOnlyObjectProperty<Baseline> baselineProperty() {
        return workspaceBaseline;
    }

    /** Reads the workspace's baseline in the background; runs are compared with it once it is known. */
    void findBaseline() {
        long g = requests.next();
        List<TunedModel> tuned = List.copyOf(workspace.getTunedModels());
        Path data = workspace.dataProperty().get();
        Task<Baseline> task = new Task<>() {
            @Override
            protected Baseline call() {
                return Baselines.find(tuned, data).orElse(null);
            }
        };
        task.setOnSucceeded(e -> {
            if (requests.isCurrent(g)) {
                workspaceBaseline.set(task.getValue());
            }
        });
        executor.execute(task);
    }

    /** Compares every finished run with the best baseline known now. FX thread. */
    void compareRuns() {
        Baseline b = workspaceBaseline.get();
        if (b == null || !b.description().equals(Baselines.HEAD_ONLY_BASELINE)) {
            // a head-only run of this workspace is a better baseline than the majority class
            b = runs.stream().filter(r -> r.status() == RunStatus.FINISHED && Baselines.isHeadOnly(r.planName()))
                    .filter(r -> r.finalMetrics().containsKey("accuracy")).findFirst()
                    .map(r -> new Baseline(Baselines.HEAD_ONLY_BASELINE, r.finalMetrics().get("accuracy")))
                    .orElse(b);
        }
        for (RunItem r : runs) {
            r.compareWith(Baselines.isHeadOnly(r.planName()) ? null : b);
        }
    }
}
