package dev.finescope.sweep;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.ModelLayout;
import dev.finescope.train.TinyRuns;

/** The matrices of the tiny BERT of the training tests. */
final class TinyLayout {

    private TinyLayout() {
    }

    static ModelLayout layout() {
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE)) {
            return ModelLayout.of(c, NameMap.standard()::locate);
        }
    }
}
