package dev.finescope.ui;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;

/**
 * Opens a fine-tuned model of the workspace as a model: a folder or weights file as it is, an overlay on top
 * of the workspace's base. One seam, so that the way overlays open is decided in one place.
 */
@FunctionalInterface
public interface ModelOpener {

    /** Folders and weights files as they are; overlays are refused with a message naming the file. */
    ModelOpener STANDARD = (tuned, base) -> switch (tuned.kind()) {
        case FOLDER -> ModelFolder.open(tuned.path());
        case OVERLAY -> throw new CheckpointException(tuned.path(),
                "is an overlay; this build of FineScope opens full models only (a folder or a weights file)");
    };

    /**
     * Opens {@code tuned}, read-only; the caller closes it.
     *
     * @param base the workspace's base, which an overlay applies to
     */
    ModelFolder open(TunedModel tuned, ModelFolder base);
}
