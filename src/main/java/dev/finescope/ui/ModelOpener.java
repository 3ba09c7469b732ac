package dev.finescope.ui;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.ui.common.TunedModel;

/**
 * Opens a fine-tuned model of the workspace as a model: a folder or weights file as it is, an overlay on top
 * of the workspace's base. One seam, so that the way overlays open is decided in one place.
 */
@FunctionalInterface
public interface ModelOpener {

    /**
     * Folders and weights files as they are (an overlay file among them opens on the base its hint names); an
     * overlay of the workspace opens on the workspace's base, and a base it was not made for is an error naming
     * both.
     */
    ModelOpener STANDARD = (tuned, base) -> switch (tuned.kind()) {
        case FOLDER -> Models.open(tuned.path());
        case OVERLAY -> {
            if (base == null) {
                throw new CheckpointException(tuned.path(), "is an overlay, and the workspace has no base to apply "
                        + "it to");
            }
            yield Models.openOn(base, tuned.path());
        }
    };

    /**
     * Opens {@code tuned}, read-only; the caller closes it.
     *
     * @param base the workspace's base, which an overlay applies to
     */
    ModelFolder open(TunedModel tuned, ModelFolder base);
}
