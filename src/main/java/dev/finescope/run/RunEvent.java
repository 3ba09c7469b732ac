package dev.finescope.run;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a training run reports as it goes, one JSON object per line in {@code events.jsonl} and, with
 * {@code --events stdout}, on the process's standard output. These lines are the whole interface between a run
 * and whoever watches it (the app, a shell, a later session reading the folder), so each event is a small,
 * self-describing record with a {@code type} and a {@code time}. A run ends with exactly one terminal event:
 * finished, failed, cancelled or interrupted. An interrupted run can be resumed from its checkpoint
 * ({@code finescope train --resume}): its events are then cut back to that checkpoint, a resumed event follows,
 * and the run goes on to its own terminal event, so a folder still holds at most one.
 */
public sealed interface RunEvent permits RunEvent.Started, RunEvent.Step, RunEvent.Evaluation,
        RunEvent.CheckpointSaved, RunEvent.Finished, RunEvent.Failed, RunEvent.Cancelled, RunEvent.Interrupted,
        RunEvent.Resumed {

    /** When the event happened (UTC). */
    Instant time();

    /**
     * The {@code type} of the JSON line: started, step, evaluation, checkpoint, finished, failed, cancelled,
     * interrupted, resumed.
     */
    String type();

    /** True for the events that end a run. */
    default boolean isTerminal() {
        return this instanceof Finished || this instanceof Failed || this instanceof Cancelled
                || this instanceof Interrupted;
    }

    /** This event as one line of JSON, without the line break. */
    default String toJsonLine() {
        return EventCodec.format(this);
    }

    /**
     * Parses one line of JSON; an {@link IllegalArgumentException} saying what is wrong when the line is not an
     * event. Keys this version does not know are ignored, so newer trainers stay readable.
     */
    static RunEvent parse(String line) {
        return EventCodec.parse(line);
    }

    /** Training is about to start. */
    record Started(Instant time, String device, int trainExamples, int devExamples, long trainableParameters,
            long totalParameters, long totalSteps) implements RunEvent {
        public Started {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(device, "device");
        }

        @Override
        public String type() {
            return "started";
        }
    }

    /** One optimiser step done; {@code step} counts from 1. */
    record Step(Instant time, long step, long totalSteps, int epoch, double loss, double learningRate,
            double examplesPerSecond) implements RunEvent {
        public Step {
            Objects.requireNonNull(time, "time");
        }

        @Override
        public String type() {
            return "step";
        }
    }

    /** Metrics of the model after {@code step} steps on a split ({@code dev}, {@code test}). */
    record Evaluation(Instant time, long step, String split, Map<String, Double> metrics) implements RunEvent {
        public Evaluation {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(split, "split");
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        @Override
        public String type() {
            return "evaluation";
        }
    }

    /** A checkpoint was written; {@code path} is relative to the run folder unless absolute. */
    record CheckpointSaved(Instant time, long step, String path) implements RunEvent {
        public CheckpointSaved {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String type() {
            return "checkpoint";
        }
    }

    /**
     * The run ended well: final metrics and the overlay holding the result ({@code overlay} relative to the run
     * folder unless absolute).
     */
    record Finished(Instant time, long step, Map<String, Double> metrics, String overlay) implements RunEvent {
        public Finished {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(overlay, "overlay");
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }

        @Override
        public String type() {
            return "finished";
        }
    }

    /** The run could not go on; {@code reason} is one line a person can act on. */
    record Failed(Instant time, String reason) implements RunEvent {
        public Failed {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String type() {
            return "failed";
        }
    }

    /** The run was asked to stop and stopped after {@code step} steps. */
    record Cancelled(Instant time, long step) implements RunEvent {
        public Cancelled {
            Objects.requireNonNull(time, "time");
        }

        @Override
        public String type() {
            return "cancelled";
        }
    }

    /**
     * The run was stopped by a signal (SIGTERM, SIGUSR1) after {@code step} steps, with every step up to there
     * saved in {@code checkpoint} (relative to the run folder unless absolute): {@code finescope train --resume}
     * goes on from it.
     */
    record Interrupted(Instant time, long step, String checkpoint) implements RunEvent {
        public Interrupted {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(checkpoint, "checkpoint");
        }

        @Override
        public String type() {
            return "interrupted";
        }
    }

    /**
     * The run goes on from the checkpoint of {@code step} steps. The events that followed that checkpoint (steps
     * done again now, the end of the process that was stopped: {@code discardedEvents} lines) were removed.
     */
    record Resumed(Instant time, long step, String checkpoint, int discardedEvents) implements RunEvent {
        public Resumed {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(checkpoint, "checkpoint");
        }

        @Override
        public String type() {
            return "resumed";
        }
    }
}
