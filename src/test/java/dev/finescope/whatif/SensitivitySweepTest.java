package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.chart.CurveChart;
import dev.finescope.chart.GridData;
import dev.finescope.chart.SweepFigures;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.common.Progress;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps on the tiny BERT: order, CSV, cancel and resume, the shapes the charts take. */
class SensitivitySweepTest {

    static final SweepSpec SMALL = new SweepSpec(SweepSpec.Granularity.CELL, List.of(GridColumn.Q, GridColumn.FFN_IN),
            new double[] {0.2, 0.6}, PruneMethod.MAGNITUDE, 42);

    @TempDir
    static Path shared;
    static WhatIfSession session;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        TinyRuns.cacheIn(shared.resolve("cache"));
        session = WhatIfSession.open(TinyWhatIf.spec(TinyWhatIf.tunedFolder(shared), TinyWhatIf.BASE), null);
    }

    @AfterAll
    static void close() {
        session.close();
        TinyRuns.clearCache();
    }

    @Test
    void aSweepRunsLastLayerFirstAndEachMatrixsSparsitiesInARow() {
        List<String> order = new ArrayList<>();
        List<Integer> totals = new ArrayList<>();
        SweepResult r = SensitivitySweep.run(session, SMALL, null, (p, done, total) -> {
            order.add(p.layer() + ":" + p.column() + "@" + p.sparsity());
            totals.add(total);
            assertEquals(order.size(), done);
        }, Progress.NONE);
        assertEquals(List.of("1:Q@0.2", "1:Q@0.6", "1:FFN-in@0.2", "1:FFN-in@0.6", "0:Q@0.2", "0:Q@0.6",
                "0:FFN-in@0.2", "0:FFN-in@0.6"), order);
        assertEquals(List.of(8), totals.stream().distinct().toList());
        assertTrue(r.complete());
        for (SweepPoint p : r.points()) {
            Outcome o = session.evaluate(List.of(new Edit.Prune(List.of(new MatrixRef(p.layer(),
                    GridColumn.fromCsvName(p.column()))), p.sparsity(), PruneMethod.MAGNITUDE, 42)), Progress.NONE);
            assertEquals(o.primary(), p.metric());
            assertEquals(o.primary() - session.baseline().primary(), p.delta());
        }
    }

    @Test
    void aCancelledSweepResumedFromItsCsvEndsAsAnUninterruptedOne() throws IOException {
        Path whole = dir.resolve("whole.csv");
        SweepResult uninterrupted = SensitivitySweep.run(session, SMALL, whole, null, Progress.NONE);

        Path partial = dir.resolve("out/partial.csv");
        AtomicInteger seen = new AtomicInteger();
        SweepResult cancelled = SensitivitySweep.run(session, SMALL, partial, (p, done, total) -> seen.set(done),
                Progress.cancelledWhen(() -> seen.get() >= 3));
        assertFalse(cancelled.complete());
        assertEquals(3, cancelled.points().size());
        assertEquals(3, rows(partial).size(), "every finished point is on disk");

        List<Integer> resumedDone = new ArrayList<>();
        SweepResult resumed = SensitivitySweep.run(session, SMALL, partial, (p, done, total) -> resumedDone.add(done),
                Progress.NONE);
        assertTrue(resumed.complete());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), resumedDone);
        assertEquals(uninterrupted.points(), resumed.points());
        assertEquals(Files.readString(whole), Files.readString(partial));
        assertEquals(8, rows(whole).size());
        assertEquals("0,Q,0.2," + uninterrupted.points().get(4).metric() + "," + uninterrupted.points().get(4).delta()
                + "," + flips(uninterrupted.points().get(4)), rows(whole).get(0), "rows in grid order");
    }

    @Test
    void aTornLastLineIsDroppedOnResume() throws IOException {
        Path csv = dir.resolve("torn.csv");
        AtomicInteger seen = new AtomicInteger();
        SensitivitySweep.run(session, SMALL, csv, (p, done, total) -> seen.set(done), Progress.cancelledWhen(() -> seen.get() >= 2));
        Files.writeString(csv, "0,Q,0.", java.nio.file.StandardOpenOption.APPEND);
        SweepResult r = SensitivitySweep.run(session, SMALL, csv, null, Progress.NONE);
        assertEquals(8, r.points().size());
        assertEquals(8, rows(csv).size());
    }

    @Test
    void aCsvOfAnotherSweepIsRefused() {
        Path csv = dir.resolve("other.csv");
        AtomicInteger seen = new AtomicInteger();
        SensitivitySweep.run(session, SMALL, csv, (p, done, total) -> seen.set(done), Progress.cancelledWhen(() -> seen.get() >= 1));
        SweepSpec random = new SweepSpec(SweepSpec.Granularity.CELL, SMALL.columns(), SMALL.sparsities(),
                PruneMethod.RANDOM, 42);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SensitivitySweep.run(session, random, csv, null, Progress.NONE));
        assertEquals(csv + ": holds points of another sweep (sweep: CELL Q FFN-in; sparsities 0.2 0.6; magnitude; "
                + "seed 42; this one: CELL Q FFN-in; sparsities 0.2 0.6; random; seed 42); give another CSV to start "
                + "afresh", e.getMessage());
    }

    @Test
    void aFileThatIsNoSweepIsRefusedByName() throws IOException {
        Path csv = Files.writeString(dir.resolve("data.csv"), "a,b\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SensitivitySweep.run(session, SMALL, csv, null, Progress.NONE));
        assertTrue(e.getMessage().startsWith(csv + ": is not a FineScope sweep CSV"), e.getMessage());
        assertEquals("a,b\n1,2\n", Files.readString(csv), "left as it was");
    }

    @Test
    void theGridAndTheCurvesHoldTheSweepsPoints() {
        SweepResult r = SensitivitySweep.run(session, SMALL, null, null, Progress.NONE);
        GridData g = SweepFigures.grid(r, 0.6);
        assertEquals(List.of("Q", "FFN-in"), g.columnLabels());
        assertEquals(List.of("layer 0", "layer 1"), g.rows().stream().map(GridData.Row::label).toList());
        assertEquals(point(r, 1, "FFN-in", 0.6).metric(), g.cell(1, 1).orElseThrow().value());
        assertEquals(point(r, 0, "Q", 0.6).metric(), g.cell(0, 0).orElseThrow().value());
        assertEquals("accuracy at 60 % sparsity, smallest |w| first", g.metricLabel());
        assertFalse(SweepFigures.grid(r, 0.5).cell(0, 0).orElseThrow().present(), "no point at 50 %");
        GridData d = SweepFigures.deltaGrid(r, 0.6);
        assertEquals(point(r, 1, "FFN-in", 0.6).delta(), d.cell(1, 1).orElseThrow().value());
        assertEquals("change of accuracy at 60 % sparsity, smallest |w| first", d.metricLabel());

        List<CurveChart.Curve> curves = SweepFigures.curvesPerLayer(r);
        assertEquals(List.of("layer 0", "layer 1"), curves.stream().map(CurveChart.Curve::name).toList());
        CurveChart.Curve layer1 = curves.get(1);
        assertEquals(List.of(0.0, 20.0, 60.0), java.util.Arrays.stream(layer1.x()).boxed().toList());
        assertEquals(r.baseline(), layer1.y()[0]);
        assertEquals((point(r, 1, "Q", 0.2).metric() + point(r, 1, "FFN-in", 0.2).metric()) / 2, layer1.y()[1]);
    }

    @Test
    void aPartialResultShowsItsFullHeightWithEmptyCells() {
        AtomicInteger seen = new AtomicInteger();
        SweepResult r = SensitivitySweep.run(session, SMALL, null, (p, done, total) -> seen.set(done),
                Progress.cancelledWhen(() -> seen.get() >= 1));
        GridData g = SweepFigures.grid(r, 0.2);
        assertEquals(2, g.rows().size());
        assertTrue(g.cell(1, 0).orElseThrow().present());
        assertFalse(g.cell(0, 0).orElseThrow().present());
    }

    @Test
    void rowSweepsPruneALayersMatricesTogether() {
        SweepSpec rows = new SweepSpec(SweepSpec.Granularity.ROW, List.of(GridColumn.Q, GridColumn.K),
                new double[] {0.5}, PruneMethod.RANDOM, 9);
        SweepResult r = SensitivitySweep.run(session, rows, null, null, Progress.NONE);
        assertEquals(2, r.points().size());
        Outcome o = session.evaluate(List.of(new Edit.Prune(List.of(new MatrixRef(0, GridColumn.Q),
                new MatrixRef(0, GridColumn.K)), 0.5, PruneMethod.RANDOM, 9)), Progress.NONE);
        assertEquals(o.primary(), point(r, 0, "all", 0.5).metric());
        assertEquals(List.of("all"), SweepFigures.grid(r, 0.5).columnLabels());
    }

    @Test
    void revertingEachLayerGivesOnePointPerLayer() throws IOException {
        SweepResult r = SensitivitySweep.revertEachLayer(session, null, Progress.NONE);
        assertEquals(List.of(1, 0), r.points().stream().map(SweepPoint::layer).toList());
        for (SweepPoint p : r.points()) {
            assertEquals("layer", p.column());
            assertTrue(Double.isNaN(p.sparsity()));
            assertEquals(session.evaluate(List.of(new Edit.RevertLayers(List.of(p.layer()))), Progress.NONE)
                    .primary(), p.metric());
        }
        assertEquals(point(r, 0, "layer", Double.NaN).metric(), SweepFigures.grid(r, Double.NaN).cell(0, 0).orElseThrow().value());
        assertEquals(List.of(0.0, 1.0), java.util.Arrays.stream(SweepFigures.curvesPerLayer(r).get(0).x()).boxed().toList());
        Path csv = dir.resolve("revert.csv");
        r.writeCsv(csv);
        assertEquals(List.of("0,layer,NaN," + r.points().get(1).metric() + "," + r.points().get(1).delta() + ","
                + flips(r.points().get(1)), "1,layer,NaN," + r.points().get(0).metric() + ","
                + r.points().get(0).delta() + "," + flips(r.points().get(0))), rows(csv));
        assertTrue(Files.readString(csv).contains("# sweep: revert each layer\n"));
    }

    @Test
    void everyPointCountsTheExamplesWhoseAnswerFlippedAndItsCsvKeepsThem() throws IOException {
        SweepResult r = SensitivitySweep.run(session, SMALL, null, null, Progress.NONE);
        for (SweepPoint p : r.points()) {
            PairedChange c = p.change();
            assertEquals(12, c.examples());
            assertEquals(p.delta(), c.delta(), 1e-12, "the flips give the change of accuracy: " + p);
        }
        Path csv = dir.resolve("flips.csv");
        r.writeCsv(csv);
        assertEquals(r.points().stream().sorted(SweepCsv.gridOrder(SMALL)).toList(), SweepCsv.read(csv).points());
    }

    @Test
    void aCsvWrittenBeforeTheFlipsWereKeptStillReads() throws IOException {
        Path csv = dir.resolve("old.csv");
        Files.writeString(csv, SweepCsv.TITLE + "\n# sweep: x\nlayer,column,sparsity,metric,delta\n"
                + "1,Q,0.2,0.75,-0.083\n");
        assertEquals(List.of(new SweepPoint(1, "Q", 0.2, 0.75, -0.083)), SweepCsv.read(csv).points());
        assertEquals(null, SweepCsv.read(csv).points().get(0).change());
    }

    @Test
    void pointsOfAnOlderCsvWithoutFlipsAreEvaluatedAgainToGetTheirUncertainty() throws IOException {
        Path csv = dir.resolve("older.csv");
        SweepResult whole = SensitivitySweep.run(session, SMALL, csv, null, Progress.NONE);
        List<String> lines = Files.readAllLines(csv);
        List<String> older = new ArrayList<>();
        for (String line : lines) {
            older.add(line.equals(SweepCsv.HEADER) ? SweepCsv.HEADER_WITHOUT_FLIPS
                    : line.startsWith("#") ? line : line.substring(0, nthComma(line, 5)));
        }
        Files.write(csv, older);
        assertTrue(SweepCsv.read(csv).points().stream().allMatch(p -> p.change() == null));
        SweepResult again = SensitivitySweep.run(session, SMALL, csv, null, Progress.NONE);
        assertTrue(again.points().stream().allMatch(p -> p.change() != null));
        assertEquals(whole.points(), again.points());
    }

    private static int nthComma(String line, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = line.indexOf(',', at + 1);
        }
        return at;
    }

    private static String flips(SweepPoint p) {
        return p.change().gained() + "," + p.change().lost() + "," + p.change().examples();
    }

    private static SweepPoint point(SweepResult r, int layer, String column, double sparsity) {
        return r.points().stream().filter(p -> p.layer() == layer && p.column().equals(column)
                && Double.compare(p.sparsity(), sparsity) == 0).findFirst().orElseThrow();
    }

    private static List<String> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int header = lines.indexOf(SweepCsv.HEADER);
        return lines.subList(header + 1, lines.size());
    }
}
