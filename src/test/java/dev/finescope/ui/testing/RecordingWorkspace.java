package dev.finescope.ui.testing;

import dev.finescope.ui.common.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A workspace that records which tuned models joined it instead of opening them. */
public final class RecordingWorkspace extends Workspace {

    public final List<Path> tunedModels = new ArrayList<>();
    /** The name each joined by, in the same order (null where none was given). */
    public final List<String> tunedLabels = new ArrayList<>();

    /** Makes {@code comparison} the selected tuned model's comparison, as an analysed workspace would have it. */
    public static void select(Workspace workspace, dev.finescope.analysis.ModelComparison comparison) {
        dev.finescope.ui.common.TunedModel tuned = new dev.finescope.ui.common.TunedModel(comparison.tunedLabel(),
                Path.of(comparison.tunedLabel()), dev.finescope.ui.common.TunedModel.Kind.FOLDER);
        workspace.getTunedModels().add(tuned);
        workspace.getComparisons().put(tuned, comparison);
        workspace.selectedTunedProperty().set(tuned);
    }

    @Override
    public void addTunedModel(Path path, String label) {
        tunedModels.add(path);
        tunedLabels.add(label);
    }
}
