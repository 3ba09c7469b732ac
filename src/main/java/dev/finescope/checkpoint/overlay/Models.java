package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to open a model the user points at: a plain model folder or weights file, or an overlay file as
 * base ⊕ overlay ({@link OverlaidModel}). The base of an overlay is the one it names (its hint, else its
 * fingerprint), one the caller gives (checked by fingerprint), or one the caller has open already, which is then
 * borrowed rather than opened again. Everything is read-only; the caller closes what it gets.
 */
public final class Models {

    private static final Logger LOGGER = LoggerFactory.getLogger(Models.class);

    private Models() {
    }

    /** A model folder or weights file as it is; an overlay file on the base it names ({@link Overlay#resolveBase}). */
    public static ModelFolder open(Path modelOrOverlay) {
        if (!isOverlayFile(modelOrOverlay)) {
            return ModelFolder.open(modelOrOverlay);
        }
        Path base;
        try (Overlay o = Overlay.open(modelOrOverlay.toAbsolutePath().normalize())) {
            base = o.resolveBase();
        }
        return onOwnedBase(ModelFolder.open(base), modelOrOverlay);
    }

    /**
     * An overlay file on {@code base} (a {@link CheckpointException} naming the overlay and both bases when it
     * was made for another); a plain model as it is, {@code base} unused. {@code base} null: as {@link #open}.
     */
    public static ModelFolder open(Path modelOrOverlay, Path base) {
        if (base == null || !isOverlayFile(modelOrOverlay)) {
            return open(modelOrOverlay);
        }
        return onOwnedBase(openPlain(base, "the base of an overlay"), modelOrOverlay);
    }

    /**
     * The overlay file {@code overlay} on {@code base}: a {@link CheckpointException} naming the file when it is
     * not an overlay, or naming the overlay and both bases when it was made for another base.
     */
    public static ModelFolder openOverlay(Path base, Path overlay) {
        return onOwnedBase(openPlain(base, "the base of an overlay"), overlay);
    }

    /**
     * As {@link #open(Path)}, except that an overlay whose own base cannot be found opens on {@code fallback}
     * (checked by fingerprint), which the caller has open and keeps; so does an overlay whose own base is
     * {@code fallback}'s path, so that one base is never opened twice. The overlay's own base wins when both
     * exist and differ.
     */
    public static ModelFolder openPreferringOwnBase(ModelFolder fallback, Path modelOrOverlay) {
        if (!isOverlayFile(modelOrOverlay)) {
            return open(modelOrOverlay);
        }
        Path own;
        try (Overlay o = Overlay.open(modelOrOverlay.toAbsolutePath().normalize())) {
            own = o.resolveBase();
        } catch (CheckpointException e) {
            LOGGER.debug("{}: its own base is not found ({}); opening it on {}", modelOrOverlay, e.getMessage(),
                    fallback.path());
            return openOn(fallback, modelOrOverlay);
        }
        if (own.toAbsolutePath().normalize().equals(fallback.path())) {
            return openOn(fallback, modelOrOverlay);
        }
        return onOwnedBase(openPlain(own, "the base of an overlay"), modelOrOverlay);
    }

    /**
     * The overlay file on {@code base}, which the caller has open and keeps: closing the result leaves
     * {@code base} open. A plain model opens as it is.
     */
    public static ModelFolder openOn(ModelFolder base, Path modelOrOverlay) {
        if (!isOverlayFile(modelOrOverlay)) {
            return open(modelOrOverlay);
        }
        Overlay overlay = Overlay.open(modelOrOverlay.toAbsolutePath().normalize());
        try {
            return new OverlaidModel(overlay, base, false);
        } catch (RuntimeException e) {
            overlay.close();
            throw e;
        }
    }

    /**
     * A plain model, for a use that takes no overlay (training's base, the base given for an overlay): a
     * {@link CheckpointException} naming {@code path} and its role when it is an overlay.
     */
    public static ModelFolder openPlain(Path path, String role) {
        if (isOverlayFile(path)) {
            throw new CheckpointException(path, "is an overlay, but it is given as " + role
                    + "; FineScope applies one overlay to a plain model");
        }
        return ModelFolder.open(path);
    }

    /** True when {@code path} is a safetensors file holding a FineScope overlay (an overlay is never another kind). */
    public static boolean isOverlayFile(Path path) {
        Path name = path.getFileName();
        if (name == null || !name.toString().endsWith(".safetensors") || !Files.isRegularFile(path)) {
            return false;
        }
        try (Checkpoint c = Checkpoints.open(path.toAbsolutePath().normalize())) {
            return Overlay.isOverlay(c);
        }
    }

    /**
     * The name people know a model by: an overlay by its folder ({@code full/overlay.safetensors} is "full"),
     * anything else by its folder or file name.
     */
    public static String displayName(ModelFolder model) {
        Path p = model.path();
        if (model instanceof OverlaidModel && p.getParent() != null && p.getParent().getFileName() != null
                && String.valueOf(p.getFileName()).equals("overlay.safetensors")) {
            return p.getParent().getFileName().toString();
        }
        return model.label();
    }

    private static ModelFolder onOwnedBase(ModelFolder base, Path overlayFile) {
        Overlay overlay = null;
        try {
            overlay = Overlay.open(overlayFile.toAbsolutePath().normalize());
            OverlaidModel model = new OverlaidModel(overlay, base, true);
            LOGGER.debug("opened {} on {}", overlay, base.path());
            return model;
        } catch (RuntimeException e) {
            if (overlay != null) {
                overlay.close();
            }
            base.close();
            throw e;
        }
    }
}
