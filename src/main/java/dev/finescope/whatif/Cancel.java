package dev.finescope.whatif;

/**
 * Asks long work to stop. Checked at every layer and batch, so a user's cancel in the app is felt within one
 * batch of one layer; a cancelled call throws {@link java.util.concurrent.CancellationException}.
 */
@FunctionalInterface
public interface Cancel {

    /** Never cancels. */
    Cancel NEVER = () -> false;

    boolean requested();
}
