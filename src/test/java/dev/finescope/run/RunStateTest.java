package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one fold of a run's events. The expectations of the real run's replay come from
 * {@code src/test/python/run_state_reference.py}.
 */
class RunStateTest {

    /** The events of a real run of the tiny BERT: started, 8 steps, 4 dev evaluations, finished. */
    private static final Path TINY_RUN = Path.of("src/test/resources/fixtures/run/tiny-run/events.jsonl");

    private static RunEvent.Step step(long n, int secondsAfterStart, double loss) {
        return new RunEvent.Step(Events.T0.plusSeconds(secondsAfterStart), n, 100, 0, loss, 1e-5, 10);
    }

    @Test
    void aRunThatSaidNothingIsRunningAtStepZero() {
        RunState s = RunState.initial();
        assertEquals(RunStatus.RUNNING, s.status());
        assertEquals(0, s.step());
        assertEquals(0, s.totalSteps());
        assertEquals(0, s.eventCount());
        assertEquals("", s.device());
        assertEquals(Optional.empty(), s.last());
        assertEquals(Optional.empty(), s.terminal());
        assertEquals(List.of(), s.lossPoints());
        assertEquals(Map.of(), s.devMetricPoints());
        assertEquals(new RunProgress(0, 0, Optional.empty()), s.progress());
    }

    @Test
    void stepsAndDevEvaluationsMakeTheCurvesAndTheProgress() {
        RunEvent.Evaluation test = new RunEvent.Evaluation(Events.T0.plusSeconds(21), 6, "test",
                Events.metrics("accuracy", 0.1));
        RunEvent.Evaluation dev = new RunEvent.Evaluation(Events.T0.plusSeconds(22), 6, "dev",
                Events.metrics("accuracy", 0.8, "f1", 0.7));
        RunState s = RunState.replay(List.of(Events.STARTED, step(1, 10, 0.9), step(6, 20, 0.5), test, dev,
                Events.CHECKPOINT, step(11, 30, 0.25)));
        assertEquals(RunStatus.RUNNING, s.status());
        assertEquals(7, s.eventCount());
        assertEquals(Optional.of(Events.STARTED), s.started());
        assertEquals("cpu (2 threads)", s.device());
        assertEquals(Optional.of(step(1, 10, 0.9)), s.firstStep());
        assertEquals(Optional.of(step(11, 30, 0.25)), s.lastStep());
        assertEquals(11, s.step());
        assertEquals(100, s.totalSteps());
        assertPoints(List.of(new double[] {1, 0.9}, new double[] {6, 0.5}, new double[] {11, 0.25}),
                s.lossPoints());
        Map<String, List<double[]>> curves = s.devMetricPoints();
        assertEquals(List.of("accuracy", "f1"), List.copyOf(curves.keySet()));
        assertPoints(List.<double[]>of(new double[] {6, 0.8}), curves.get("accuracy"));
        assertPoints(List.<double[]>of(new double[] {6, 0.7}), curves.get("f1"));
        // steps 1 → 11 took 20 s: 2 s a step, 89 steps left
        assertEquals(new RunProgress(11, 100, Optional.of(Duration.ofSeconds(178))), s.progress());
        assertEquals(Optional.of(step(11, 30, 0.25)), s.last());
        assertEquals(Map.of(), s.finalMetrics());
        assertEquals(Optional.empty(), s.overlay());
    }

    @Test
    void applyLeavesTheEarlierStateAsItWas() {
        RunState one = RunState.initial().apply(step(1, 1, 0.9));
        RunState two = one.apply(step(2, 2, 0.8));
        RunState branch = one.apply(step(2, 2, 0.1));
        assertPoints(List.<double[]>of(new double[] {1, 0.9}), one.lossPoints());
        assertPoints(List.of(new double[] {1, 0.9}, new double[] {2, 0.8}), two.lossPoints());
        assertPoints(List.of(new double[] {1, 0.9}, new double[] {2, 0.1}), branch.lossPoints());
        two.lossPoints().get(0)[1] = 42;
        assertEquals(0.9, two.lossPoints().get(0)[1]);
        assertEquals(RunStatus.RUNNING, RunState.initial().status());
    }

    @Test
    void theFirstTerminalEventEndsTheRunAndLaterEventsChangeOnlyTheLast() {
        RunState s = RunState.replay(List.of(Events.STARTED, step(1, 1, 0.9), Events.FINISHED));
        assertEquals(RunStatus.FINISHED, s.status());
        assertEquals(Optional.of(Events.FINISHED), s.terminal());
        assertEquals(Events.metrics("accuracy", 0.9, "pearson", Double.NaN), s.finalMetrics());
        assertEquals(Optional.of("overlay.safetensors"), s.overlay());
        assertEquals(Optional.empty(), s.failureReason());
        RunState after = s.apply(Events.FAILED).apply(step(2, 2, 0.8));
        assertEquals(RunStatus.FINISHED, after.status());
        assertEquals(Optional.of(Events.FINISHED), after.terminal());
        assertEquals(Optional.of(step(2, 2, 0.8)), after.last());
        assertEquals(5, after.eventCount());
        assertEquals(1, after.step());
        assertPoints(List.<double[]>of(new double[] {1, 0.9}), after.lossPoints());
    }

    @Test
    void aFailedRunKeepsItsReasonAndACancelledOneItsStep() {
        RunState failed = RunState.replay(List.of(Events.STARTED, step(7, 1, 0.5), Events.FAILED));
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals(Optional.of("out of memory \"GPU 0\"\nretry"), failed.failureReason());
        assertEquals(7, failed.step());
        assertEquals(Map.of(), failed.finalMetrics());
        RunState cancelled = RunState.replay(List.of(Events.STARTED, Events.CANCELLED));
        assertEquals(RunStatus.CANCELLED, cancelled.status());
        assertEquals(Optional.of(Events.CANCELLED), cancelled.terminal());
    }

    @Test
    void aRunWhoseProcessIsGoneWithoutAWordCrashed() {
        RunState s = RunState.replay(List.of(Events.STARTED, step(3, 1, 0.5)));
        RunState gone = s.processEnded();
        assertEquals(RunStatus.CRASHED, gone.status());
        assertEquals(RunStatus.RUNNING, s.status());
        assertSame(gone, gone.processEnded());
        assertEquals(3, gone.step());
        // a terminal event says more than a gone process
        assertEquals(RunStatus.CANCELLED, gone.apply(Events.CANCELLED).status());
        assertEquals(RunStatus.FINISHED, RunState.replay(List.of(Events.FINISHED)).processEnded().status());
    }

    @Test
    void theEventsOfARealRunAddUpToItsEnd() {
        EventHistory history = EventReader.readAll(TINY_RUN);
        assertEquals(List.of(), history.problems());
        RunState s = history.state();
        assertEquals(14, s.eventCount());
        assertEquals(RunStatus.FINISHED, s.status());
        assertEquals("cpu (2 threads), PyTorch 2.7.1", s.device());
        assertEquals(8, s.step());
        assertEquals(8, s.totalSteps());
        assertPoints(points(1, 0.8858622908592224, 2, 0.8873557448387146, 3, 0.6450738906860352,
                4, 1.8676037788391113, 5, 0.49597811698913574, 6, 0.6203773617744446, 7, 1.5588746070861816,
                8, 0.8463339805603027), s.lossPoints());
        Map<String, List<double[]>> dev = s.devMetricPoints();
        assertEquals(List.of("accuracy", "loss"), List.copyOf(dev.keySet()));
        assertPoints(points(2, 0.6666666666666666, 4, 0.6666666666666666, 6, 0.6666666666666666,
                8, 0.6666666666666666), dev.get("accuracy"));
        assertPoints(points(2, 0.857069330583761, 4, 0.8558570503932893, 6, 0.8551570303162556,
                8, 0.8550285305675187), dev.get("loss"));
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("accuracy", 0.6666666666666666);
        expected.put("loss", 0.8550285305675187);
        assertEquals(expected, s.finalMetrics());
        assertEquals(Optional.of("overlay.safetensors"), s.overlay());
        assertEquals(new RunProgress(8, 8, Optional.of(Duration.ZERO)), s.progress());
        assertEquals(1.0, s.progress().fraction());
    }

    @Test
    void halfWayThroughTheRealRunTheTimeLeftComesFromItsSteps() {
        List<RunEvent> events = EventReader.readAll(TINY_RUN).events();
        RunState s = RunState.replay(events.subList(0, 7));
        assertEquals(RunStatus.RUNNING, s.status());
        assertEquals(new RunProgress(4, 8, Optional.of(Duration.ofNanos(1_767_417_172))), s.progress());
        assertEquals(0.5, s.progress().fraction());
        assertPoints(points(2, 0.6666666666666666, 4, 0.6666666666666666), s.devMetricPoints().get("accuracy"));
    }

    @Test
    void theHistoryOfAFileAndTheFoldAgree() {
        EventHistory h = new EventHistory(List.of(Events.STARTED, step(1, 1, 0.9), Events.CANCELLED,
                Events.FAILED), List.of(), Optional.empty());
        assertEquals(Optional.of(Events.CANCELLED), h.terminal());
        assertEquals(Optional.of(Events.FAILED), h.last());
        assertEquals(Optional.of(step(1, 1, 0.9)), h.lastStep());
        assertEquals(Optional.of(Events.STARTED), h.started());
    }

    private static List<double[]> points(double... stepValue) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < stepValue.length; i += 2) {
            out.add(new double[] {stepValue[i], stepValue[i + 1]});
        }
        return out;
    }

    private static void assertPoints(List<double[]> expected, List<double[]> actual) {
        assertEquals(expected.size(), actual.size(), "points");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "point " + i);
        }
    }
}
