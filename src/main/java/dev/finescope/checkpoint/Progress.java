package dev.finescope.checkpoint;

/**
 * Progress of long work (opening, importing, analysing), and the way to ask it to stop. Implementations must
 * be thread-safe: workers report from several threads.
 */
public interface Progress {

    /** Nothing listens and nothing cancels. */
    Progress NONE = new Progress() {
        @Override
        public void update(long done, long total, String what) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };

    /** {@code done} of {@code total} units of work; {@code what} says what is being done now. */
    void update(long done, long total, String what);

    /** True once the user asked to stop; work checks it at every tensor or chunk. */
    boolean isCancelled();
}
