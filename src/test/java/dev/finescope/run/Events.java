package dev.finescope.run;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One event of every type, at fixed times, for tests. */
final class Events {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    static final RunEvent.Started STARTED = new RunEvent.Started(T0, "cpu (2 threads)", 67349, 872, 109_483_778L,
            109_483_778L, 6315);
    static final RunEvent.Step STEP = new RunEvent.Step(T0.plusSeconds(2), 1, 6315, 0, 0.6931, 3.2e-8, 16.5);
    static final RunEvent.Evaluation EVALUATION = new RunEvent.Evaluation(T0.plusSeconds(60), 100, "dev",
            metrics("accuracy", 0.875, "f1", 0.9));
    static final RunEvent.CheckpointSaved CHECKPOINT = new RunEvent.CheckpointSaved(T0.plusSeconds(61), 100,
            "checkpoints/step-100.safetensors");
    static final RunEvent.Finished FINISHED = new RunEvent.Finished(T0.plusSeconds(120), 200,
            metrics("accuracy", 0.9, "pearson", Double.NaN), "overlay.safetensors");
    static final RunEvent.Failed FAILED = new RunEvent.Failed(T0.plusSeconds(5), "out of memory \"GPU 0\"\nretry");
    static final RunEvent.Cancelled CANCELLED = new RunEvent.Cancelled(T0.plusSeconds(6), 3);

    static final List<RunEvent> ALL = List.of(STARTED, STEP, EVALUATION, CHECKPOINT, FINISHED, FAILED, CANCELLED);

    static Map<String, Double> metrics(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Double) kv[i + 1]);
        }
        return m;
    }

    private Events() {
    }
}
