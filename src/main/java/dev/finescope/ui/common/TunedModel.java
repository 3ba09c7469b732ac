package dev.finescope.ui.common;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A fine-tuned model of the workspace as the user named it: a full model (a Hugging Face folder or a weights
 * file) or an overlay that holds only what a task changed and opens on top of the workspace's base.
 */
public record TunedModel(String label, Path path, Kind kind) {

    /** How the model is stored, which decides how it opens. */
    public enum Kind { FOLDER, OVERLAY }

    public TunedModel {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String toString() {
        return label;
    }
}
