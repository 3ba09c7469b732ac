package dev.finescope.whatif;

import java.util.List;

/**
 * The text form of a set of matrices, as a user types it on the command line or in the app: {@code all},
 * {@code layer:3}, {@code layers:2-4}, {@code column:FFN-in} (grid column CSV names), {@code 3:V,4:FFN-out},
 * and comma lists of these. One parser for both, so a selection copied from the app works in a script.
 */
public final class Selection {

    private Selection() {
    }

    /**
     * The matrices a text names, in grid order (layer, then column), each once.
     *
     * @param layerCount the model's encoder layers; a layer outside {@code 0 … layerCount-1} is an error
     * @throws IllegalArgumentException with a message naming the part that could not be read
     */
    public static List<MatrixRef> parse(String text, int layerCount) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A compact text that {@link #parse} reads back to the same matrices. */
    public static String format(List<MatrixRef> refs) {
        throw new UnsupportedOperationException("not yet");
    }
}
