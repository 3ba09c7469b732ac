package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.ModelFolder;
import java.util.Optional;

/**
 * Base ⊕ overlay as one model: the overlay file is its path, the combined view its weights, the base's config and
 * tokenizer its own. Made by {@link Models} only. Closing it closes the overlay and, when it owns it, the base: a
 * base borrowed from the caller (the workspace's open base) stays open.
 */
public final class OverlaidModel extends ModelFolder {

    private final Overlay overlay;
    private final ModelFolder base;
    private final boolean ownsBase;

    OverlaidModel(Overlay overlay, ModelFolder base, boolean ownsBase) {
        super(overlay.file(), overlay.apply(base), base);
        this.overlay = overlay;
        this.base = base;
        this.ownsBase = ownsBase;
    }

    public Overlay overlay() {
        return overlay;
    }

    /** The overlay of {@code model} when it is base ⊕ overlay; empty for a plain model. */
    public static Optional<Overlay> overlayOf(ModelFolder model) {
        return model instanceof OverlaidModel o ? Optional.of(o.overlay) : Optional.empty();
    }

    @Override
    public void close() {
        super.close();
        overlay.close();
        if (ownsBase) {
            base.close();
        }
    }

    @Override
    public String toString() {
        return overlay.file().getFileName() + " on " + base;
    }
}
