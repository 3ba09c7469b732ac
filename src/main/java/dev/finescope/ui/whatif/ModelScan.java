package dev.finescope.ui.whatif;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.common.Latest;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.whatif.ModelTraits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Which of the workspace's fine-tuned models an experiment can use, read from their file headers off the FX
 * thread whenever the models or the base change; the latest scan wins. The answer goes to the view model as the
 * models with a task head and those with learned masks, in the workspace's order.
 */
final class ModelScan {

    private final Workspace workspace;
    private final UiExecutor executor;
    private final BiConsumer<List<TunedModel>, List<TunedModel>> scanned;
    private final Latest scans = new Latest();
    /** Each model's token positions, from the last scan. */
    private final Map<TunedModel, Integer> positions = new HashMap<>();

    /** @param scanned told, on the FX thread, the models with a task head and the models with learned masks */
    ModelScan(Workspace workspace, UiExecutor executor, BiConsumer<List<TunedModel>, List<TunedModel>> scanned) {
        this.workspace = workspace;
        this.executor = executor;
        this.scanned = scanned;
    }

    /** A model's token positions (0 when it does not say); they cap the tokens per example. */
    int positions(TunedModel m) {
        return positions.getOrDefault(m, 0);
    }

    /** Reads the traits of the workspace's models now. */
    void scan() {
        List<TunedModel> all = List.copyOf(workspace.getTunedModels());
        ModelFolder base = workspace.getBase();
        long id = scans.next();
        if (all.isEmpty()) {
            apply(Map.of());
            return;
        }
        ProgressTask<Map<TunedModel, ModelTraits>> t = new ProgressTask<>("Reading the fine-tuned models' heads") {
            @Override
            protected Map<TunedModel, ModelTraits> call() {
                Map<TunedModel, ModelTraits> out = new LinkedHashMap<>();
                int basePositions = ModelTraits.basePositions(base);
                for (TunedModel m : all) {
                    checkCancelled();
                    out.put(m, ModelTraits.read(m.path(), m.kind() == TunedModel.Kind.OVERLAY)
                            .orBasePositions(basePositions));
                }
                return out;
            }
        };
        t.setOnSucceeded(e -> {
            if (scans.isCurrent(id)) {
                apply(t.getValue());
            }
        });
        executor.execute(t);
    }

    private void apply(Map<TunedModel, ModelTraits> traits) {
        List<TunedModel> heads = new ArrayList<>();
        List<TunedModel> masked = new ArrayList<>();
        for (TunedModel m : workspace.getTunedModels()) {
            ModelTraits t = traits.get(m);
            if (t != null && t.head()) {
                heads.add(m);
            }
            if (t != null && t.masks()) {
                masked.add(m);
            }
        }
        positions.clear();
        traits.forEach((m, t) -> positions.put(m, t.positions()));
        scanned.accept(heads, masked);
    }
}
