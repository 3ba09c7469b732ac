package dev.finescope.ui.whatif;

import dev.finescope.common.Progress;
import dev.finescope.ui.common.ProgressTask;
import dev.finescope.whatif.SessionLease;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.WhatIfSession;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * An experiment: acquires the session (opening it the first time, with its progress), tells the view the
 * session's baseline, does its work and releases the session. Its handlers run on the FX thread; what it ends
 * with (a failure's message and dialog, the experiment slot freed) is the {@link WhatIfViewModel}'s to say.
 */
abstract class ExperimentTask<T> extends ProgressTask<T> {

    private final WhatIfViewModel owner;
    private SessionLease lease;
    private String label;
    /** A failure shows in the message line only: nobody asked for this task. */
    private boolean quiet;

    ExperimentTask(WhatIfViewModel owner, String title) {
        this(owner, title, null);
    }

    ExperimentTask(WhatIfViewModel owner, String title, SessionLease lease) {
        super(title);
        this.owner = owner;
        this.lease = lease;
        setOnSucceeded(e -> {
            owner.experimentEnded(this);
            done(getValue());
        });
        setOnFailed(e -> {
            owner.experimentEnded(this);
            Throwable problem = getException();
            if (problem instanceof CancellationException) {
                stopped();
                return;
            }
            owner.experimentFailed(this, problem, quiet);
        });
        setOnCancelled(e -> {
            owner.experimentEnded(this);
            stopped();
        });
    }

    /** The model as the user named it. */
    final String label() {
        return label;
    }

    final void label(String label) {
        this.label = label;
    }

    final SessionLease lease() {
        return lease;
    }

    final void lease(SessionLease lease) {
        this.lease = lease;
    }

    /** A failure of this task shows in the message line only. */
    final void quiet() {
        this.quiet = true;
    }

    @Override
    protected final T call() throws Exception {
        boolean opening = !lease.isOpen();
        if (opening) {
            say("Opening " + label + " and reading the task data");
        }
        WhatIfSession s = lease.acquire(new Progress() {
            @Override
            public void update(long done, long total, String what) {
                updateProgress((double) done / total, 1);
                if (what != null) {
                    say(what);
                }
            }

            @Override
            public boolean isCancelled() {
                return ExperimentTask.this.isCancelled();
            }
        });
        try {
            checkCancelled();
            if (opening) {
                say("Evaluating " + label + " unedited");
            }
            SessionSpec spec = s.spec();
            WhatIfViewModel.SessionInfo info = new WhatIfViewModel.SessionInfo(label, spec.task(), spec.split(),
                    s.examples(), s.primaryMetric(), s.baseline().primary(), s.layerCount(), s.canRevert(),
                    s.chanceAccuracy());
            SessionLease l = lease;
            onFx(() -> owner.sessionOpened(l, info));
            checkCancelled();
            updateProgress(-1, 1);
            return work(s, info);
        } finally {
            lease.release();
        }
    }

    /** On the worker: the experiment itself, on the acquired session. */
    abstract T work(WhatIfSession s, WhatIfViewModel.SessionInfo info) throws Exception;

    /** On the FX thread: the experiment's answer. */
    abstract void done(T value);

    /** On the FX thread: the user cancelled. */
    void stopped() {
        owner.say(title() + ": cancelled");
    }

    /** Runs {@code r} on the FX thread: at once when on it, else later. */
    static void onFx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    /** Hands the newest picture to the FX thread; bursts fold into one update. */
    static <P> void publish(AtomicReference<P> pending, ReadOnlyObjectWrapper<P> target, P picture) {
        if (Platform.isFxApplicationThread()) {
            pending.set(null);
            target.set(picture);
            return;
        }
        if (pending.getAndSet(picture) == null) {
            Platform.runLater(() -> {
                P p = pending.getAndSet(null);
                if (p != null) {
                    target.set(p);
                }
            });
        }
    }
}
