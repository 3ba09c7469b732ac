package dev.finescope.ui.testing;

import dev.finescope.ui.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A workspace that records which tuned models joined it instead of opening them. */
public final class RecordingWorkspace extends Workspace {

    public final List<Path> tunedModels = new ArrayList<>();

    @Override
    public void addTunedModel(Path path) {
        tunedModels.add(path);
    }
}
