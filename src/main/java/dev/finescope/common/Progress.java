package dev.finescope.common;

import java.util.function.BooleanSupplier;

/**
 * Progress of long work (opening, importing, analysing, what-if experiments), and the way to ask it to stop.
 * Implementations must be thread-safe: workers report from several threads.
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

    /**
     * Progress that nobody watches, cancelled when {@code cancelled} says so: long work asked to stop by a
     * task's or a Ctrl-C's flag.
     */
    static Progress cancelledWhen(BooleanSupplier cancelled) {
        return new Progress() {
            @Override
            public void update(long done, long total, String what) {
            }

            @Override
            public boolean isCancelled() {
                return cancelled.getAsBoolean();
            }
        };
    }

    /** {@code done} of {@code total} units of work; {@code what} says what is being done now. */
    void update(long done, long total, String what);

    /** True once the user asked to stop; work checks it at every tensor or chunk. */
    boolean isCancelled();
}
