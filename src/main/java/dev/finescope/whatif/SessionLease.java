package dev.finescope.whatif;

import dev.finescope.common.Progress;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One what-if session and the tasks that use it. The session opens on first use (reading the model and
 * tokenizing the data takes seconds) and is reused by every later experiment on the same model and data; when the
 * user picks another model the lease is retired, and the session closes as soon as no task uses it, never under
 * a running evaluation. Only the worker that uses it blocks; retiring returns at once, so the FX thread never
 * waits.
 */
public final class SessionLease {

    private static final Logger LOGGER = LoggerFactory.getLogger(SessionLease.class);

    private final SessionSpec spec;
    private final BiFunction<SessionSpec, Progress, WhatIfSession> opener;
    private WhatIfSession session;
    private final Semaphore turn = new Semaphore(1);
    private int users;
    private boolean retired;

    public SessionLease(SessionSpec spec, BiFunction<SessionSpec, Progress, WhatIfSession> opener) {
        this.spec = spec;
        this.opener = opener;
    }

    public SessionSpec spec() {
        return spec;
    }

    /** True once the session is open and not retired. */
    public synchronized boolean isOpen() {
        return session != null && !retired;
    }

    /**
     * The session, opened now if it is not yet; the caller must {@link #release} it. One task holds the session at
     * a time: a task started right after another was cancelled waits here until that one has left its last
     * batch, because a session evaluates one thing at a time.
     *
     * @throws CancellationException when the lease was retired before or while the task waited or it opened
     */
    public WhatIfSession acquire(Progress progress) {
        synchronized (this) {
            if (retired) {
                throw new CancellationException("the model changed");
            }
            users++;
        }
        turn.acquireUninterruptibly();
        try {
            synchronized (this) {
                if (retired) {
                    throw new CancellationException("the model changed");
                }
                if (session != null) {
                    return session;
                }
            }
            WhatIfSession opened = opener.apply(spec, progress);
            synchronized (this) {
                session = opened;
            }
            return opened;
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
    }

    /** The task is done with the session; a retired session closes here when this was its last user. */
    public void release() {
        turn.release();
        WhatIfSession toClose;
        synchronized (this) {
            users--;
            toClose = takeIfIdleAndRetired();
        }
        close(toClose);
    }

    /**
     * No new task may use the session. Returns it when it is open and idle, for the caller to close off the FX
     * thread; otherwise its last user closes it.
     */
    public synchronized WhatIfSession retire() {
        retired = true;
        return takeIfIdleAndRetired();
    }

    private WhatIfSession takeIfIdleAndRetired() {
        if (retired && users == 0 && session != null) {
            WhatIfSession s = session;
            session = null;
            return s;
        }
        return null;
    }

    public static void close(WhatIfSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
            LOGGER.debug("closed a what-if session");
        } catch (RuntimeException e) {
            LOGGER.warn("could not close a what-if session: {}", e.toString());
        }
    }
}
