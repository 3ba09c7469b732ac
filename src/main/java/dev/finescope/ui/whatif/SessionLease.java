package dev.finescope.ui.whatif;

import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.WhatIfSession;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
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
final class SessionLease {

    private static final Logger LOGGER = LoggerFactory.getLogger(SessionLease.class);

    private final SessionSpec spec;
    private final BiFunction<SessionSpec, BiConsumer<Double, String>, WhatIfSession> opener;
    private WhatIfSession session;
    private int users;
    private boolean retired;

    SessionLease(SessionSpec spec, BiFunction<SessionSpec, BiConsumer<Double, String>, WhatIfSession> opener) {
        this.spec = spec;
        this.opener = opener;
    }

    SessionSpec spec() {
        return spec;
    }

    /** True once the session is open and not retired. */
    synchronized boolean isOpen() {
        return session != null && !retired;
    }

    /**
     * The session, opened now if it is not yet; the caller must {@link #release} it. Only one task uses a lease
     * at a time (the view model runs one experiment at a time), so opening needs no lock.
     *
     * @throws CancellationException when the lease was retired before or while it opened
     */
    WhatIfSession acquire(BiConsumer<Double, String> progress) {
        synchronized (this) {
            if (retired) {
                throw new CancellationException("the model changed");
            }
            users++;
            if (session != null) {
                return session;
            }
        }
        WhatIfSession opened;
        try {
            opened = opener.apply(spec, progress);
        } catch (RuntimeException | Error e) {
            release();
            throw e;
        }
        synchronized (this) {
            session = opened;
        }
        return opened;
    }

    /** The task is done with the session; a retired session closes here when this was its last user. */
    void release() {
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
    synchronized WhatIfSession retire() {
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

    static void close(WhatIfSession session) {
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
