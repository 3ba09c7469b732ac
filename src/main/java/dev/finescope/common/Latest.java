package dev.finescope.common;

/**
 * "Latest wins" for background work that a newer request makes stale: each request takes a {@link #next()} ticket,
 * and a result is used only while its ticket is still {@link #isCurrent current}. Used from one thread (the FX
 * thread), like the views whose requests it orders.
 */
public final class Latest {

    private long current;

    /** A ticket for a new request; every earlier ticket is stale from now on. */
    public long next() {
        return ++current;
    }

    /** True while no newer request has taken a ticket than {@code ticket}. */
    public boolean isCurrent(long ticket) {
        return ticket == current;
    }

    /** Makes every ticket handed out so far stale, as when the work they asked for is no longer wanted. */
    public void invalidate() {
        current++;
    }
}
