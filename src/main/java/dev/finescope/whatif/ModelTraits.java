package dev.finescope.whatif;

import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.Overlay;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a model can do in an experiment, read from its file headers only (no tensor is loaded), so that a
 * workspace's models can be sorted before any session opens: be evaluated (it has a task head), have its masks
 * compared (an overlay of a masked run); and how many token positions it has (0 when it does not say), which caps
 * the tokens per example.
 */
public record ModelTraits(boolean head, boolean masks, int positions) {

    private static final Logger LOGGER = LoggerFactory.getLogger(ModelTraits.class);

    /** A model that cannot be read: nothing an experiment can use. */
    public static final ModelTraits NONE = new ModelTraits(false, false, 0);

    /**
     * Reads the traits of the model at {@code path}: an overlay (the fine-tuned tensors over a base) when
     * {@code overlay}, else a model folder or checkpoint. A model that cannot be read has {@link #NONE}.
     */
    public static ModelTraits read(Path path, boolean overlay) {
        try {
            if (overlay) {
                try (Overlay o = Overlay.open(path)) {
                    return new ModelTraits(o.headNames().contains(Overlay.CLASSIFIER_WEIGHT),
                            !o.maskedNames().isEmpty(), 0);
                }
            }
            try (ModelFolder f = Models.open(path)) {
                return new ModelTraits(f.weights().contains(Overlay.CLASSIFIER_WEIGHT), false,
                        Checkpoints.tokenPositions(f.weights()));
            }
        } catch (RuntimeException e) {
            LOGGER.debug("cannot read {} for what-if experiments: {}", path, e.toString());
            return NONE;
        }
    }

    /** The token positions of a base model (0 when it does not say, or there is none). */
    public static int basePositions(ModelFolder base) {
        return base == null ? 0 : Checkpoints.tokenPositions(base.weights());
    }

    /** These traits, with the base's positions when the model does not say its own (an overlay never does). */
    public ModelTraits orBasePositions(int basePositions) {
        return positions > 0 || basePositions == 0 ? this : new ModelTraits(head, masks, basePositions);
    }
}
