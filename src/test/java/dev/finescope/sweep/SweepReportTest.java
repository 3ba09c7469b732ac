package dev.finescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.run.RunEvent;
import dev.finescope.run.RunState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The numbers of a report, against values worked out by hand. */
class SweepReportTest {

    private static final double EXACT = 1e-12;

    @Test
    void meanAndSampleStandardDeviationOfThreeSeeds() {
        // 0.75, 0.8125, 0.875: mean 0.8125; squares 0.00390625 + 0 + 0.00390625 = 0.0078125; / (3 - 1) = 0.00390625;
        // root 0.0625
        SweepReport.Stats s = SweepReport.Stats.of(new double[] {0.75, 0.875, 0.8125});
        assertEquals(3, s.n());
        assertEquals(0.8125, s.mean(), EXACT);
        assertEquals(0.0625, s.std(), EXACT);
        assertEquals(0.75, s.min());
        assertEquals(0.875, s.max());
    }

    @Test
    void twoValuesAndOne() {
        // 1 and 2: mean 1.5; squares 0.25 + 0.25 = 0.5; / 1; root = sqrt(0.5) = 0.7071067811865476
        SweepReport.Stats two = SweepReport.Stats.of(new double[] {2, 1});
        assertEquals(1.5, two.mean(), EXACT);
        assertEquals(0.7071067811865476, two.std(), EXACT);
        SweepReport.Stats one = SweepReport.Stats.of(new double[] {0.5});
        assertEquals(new SweepReport.Stats(1, 0.5, Double.NaN, 0.5, 0.5), one, "one value has no spread");
        SweepReport.Stats none = SweepReport.Stats.of(new double[0]);
        assertEquals(0, none.n());
        assertTrue(Double.isNaN(none.mean()) && Double.isNaN(none.min()) && Double.isNaN(none.max()));
    }

    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    /** A finished run with dev accuracy {@code best} at step 1 and {@code last} at its end, step 2. */
    private static SweepStatus.Entry finished(SweepRun run, double best, double last) {
        return new SweepStatus.Entry(run, Optional.of(RunState.replay(List.of(
                new RunEvent.Evaluation(T, 1, "dev", Map.of("accuracy", best)),
                new RunEvent.Evaluation(T, 2, "dev", Map.of("accuracy", last)),
                new RunEvent.Finished(T, 2, Map.of("accuracy", last), "overlay.safetensors")))));
    }

    private static SweepRun run(String id, String plan, Double sparsity, long seed) {
        return new SweepRun(id, "SST-2", plan, sparsity, seed, Map.of("learningRate", "0.001"));
    }

    @Test
    void theTablesAveragePerGridPointOverSeeds() {
        List<SweepStatus.Entry> entries = new ArrayList<>();
        entries.add(finished(run("a1", "full", null, 1), 0.75, 0.75));
        entries.add(finished(run("a2", "full", null, 2), 0.875, 0.875));
        entries.add(finished(run("a3", "full", null, 3), 0.9, 0.8125));
        entries.add(finished(run("b1", "sparsify-encoder", 0.5, 1), 0.5, 0.5));
        entries.add(new SweepStatus.Entry(run("b2", "sparsify-encoder", 0.5, 2), Optional.empty()));
        entries.add(new SweepStatus.Entry(run("c1", "sparsify-encoder", 0.9, 1), Optional.of(RunState.replay(List.of(
                new RunEvent.Failed(T, "out of memory"))))));
        SweepStatus status = new SweepStatus(entries);
        assertEquals(Map.of("pending", 1, "finished", 4, "failed", 1), status.counts());

        SweepReport last = SweepReport.of("demo", List.of("learningRate"), null, status, SweepReport.Value.FINAL);
        assertEquals("accuracy", last.metric(), "the metric the runs report");
        assertEquals("""
                task,plan,sparsity,learningRate,metric,value,runs,n,mean,std,min,max
                SST-2,full,,0.001,accuracy,final,3,3,0.8125,0.0625,0.75,0.875
                SST-2,sparsify-encoder,0.5,0.001,accuracy,final,2,1,0.5,,0.5,0.5
                SST-2,sparsify-encoder,0.9,0.001,accuracy,final,1,0,,,,
                """, last.csv());
        assertEquals("""
                # Sweep: demo

                Dev accuracy at the end of each run: mean ± sample std over seeds; n = finished / all runs.

                | task | plan | sparsity | learningRate | n | accuracy | min | max |
                | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
                | SST-2 | full | - | 0.001 | 3/3 | 0.8125 ± 0.0625 | 0.7500 | 0.8750 |
                | SST-2 | sparsify-encoder | 50% | 0.001 | 1/2 | 0.5000 | 0.5000 | 0.5000 |
                | SST-2 | sparsify-encoder | 90% | 0.001 | 0/1 | – | – | – |
                """, last.markdown());

        // best: 0.75, 0.875, 0.9 → mean 0.841666…, deviations −0.091666…, 0.033333…, 0.058333…;
        // squares 0.0084027…, 0.0011111…, 0.0034027… sum 0.0129166…; / 2 = 0.0064583…; root 0.0803638…
        SweepReport best = SweepReport.of("demo", List.of("learningRate"), "accuracy", status, SweepReport.Value.BEST);
        SweepReport.Stats full = best.rows().get(0).stats();
        assertEquals(0.8416666666666667, full.mean(), EXACT);
        assertEquals(Math.sqrt(0.0129166666666666667 / 2), full.std(), EXACT);
        assertEquals(0.08036375634160797, full.std(), 1e-15);
    }
}
