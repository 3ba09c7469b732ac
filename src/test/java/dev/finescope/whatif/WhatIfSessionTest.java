package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.common.Progress;
import dev.finescope.train.TinyRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What-if evaluations on the tiny BERT: edits, their exact undoing, the cache, reverting to the base. */
class WhatIfSessionTest {

    /** Two ways to the same logits (cached layer inputs vs. a full pass, other padding) agree within this. */
    static final double SAME_LOGITS = 1e-5;

    @TempDir
    static Path dir;
    static Path tuned;
    static WhatIfSession session;

    @BeforeAll
    static void open() {
        TinyRuns.cacheIn(dir.resolve("cache"));
        tuned = TinyWhatIf.tunedFolder(dir);
        session = WhatIfSession.open(TinyWhatIf.spec(tuned, TinyWhatIf.BASE), null);
    }

    @AfterAll
    static void close() {
        session.close();
        TinyRuns.clearCache();
    }

    private static List<MatrixRef> all() {
        return Selection.parse("all", 2);
    }

    @Test
    void anOutcomeCountsTheExamplesWhoseAnswerFlippedAgainstTheUneditedModel() {
        assertEquals(new PairedChange(0, 0, 12), session.baseline().change());
        assertEquals(0.5, session.chanceAccuracy(), "the 12 dev sentences hold 6 of each label");
        Outcome o = session.evaluate(List.of(new Edit.Prune(all(), 0.9, PruneMethod.RANDOM, 3)), Progress.NONE);
        PairedChange c = o.change();
        assertEquals(12, c.examples());
        assertEquals(o.delta(), c.delta(), 1e-12);
        assertEquals(Math.round(o.primary() * 12), Math.round(o.baseline() * 12) + c.gained() - c.lost());
    }

    @Test
    void theSessionKnowsItsModelTaskAndExamples() {
        assertEquals(2, session.layerCount());
        assertEquals("tuned", session.modelLabel());
        assertEquals("accuracy", session.primaryMetric());
        assertEquals(12, session.examples());
        assertTrue(session.canRevert());
        Outcome b = session.baseline();
        assertEquals(b.primary(), b.baseline());
        assertEquals(0, b.delta());
        assertEquals(List.of("accuracy", "loss"), List.copyOf(new java.util.TreeSet<>(b.metrics().keySet())));
        // the inputs of 2 layers and the last layer's output per batch, hidden 32, fp32
        assertTrue(session.cacheBytes() > 0);
        assertEquals(0, session.cacheBytes() % (3L * 32 * 4), "whole states of 3 layer boundaries");
    }

    @Test
    void batchesHoldEveryExampleOnceSortedByLength() {
        List<int[]> batches = session.batchIndices();
        assertEquals(List.of(5, 5, 2), batches.stream().map(b -> b.length).toList());
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(java.util.stream.IntStream.range(0, 12).toArray(), all);
    }

    @Test
    void pruningAtZeroSparsityChangesNoLogit() {
        WhatIfSession.Pass plain = session.pass(List.of());
        WhatIfSession.Pass pruned = session.pass(List.of(new Edit.Prune(all(), 0.0, PruneMethod.MAGNITUDE, 1)));
        assertArrayEquals(plain.logits(), pruned.logits());
        Outcome o = session.evaluate(List.of(new Edit.Prune(all(), 0.0, PruneMethod.RANDOM, 1)), Progress.NONE);
        assertEquals(0, o.zeroed());
        assertEquals(2 * (4 * 32 * 32 + 2 * 64 * 32), o.entries());
        assertEquals(session.baseline().metrics(), o.metrics());
    }

    @Test
    void pruningZeroesTheRoundedShareOfEachMatrix() {
        List<MatrixRef> two = List.of(new MatrixRef(0, GridColumn.Q), new MatrixRef(1, GridColumn.FFN_IN));
        for (PruneMethod m : PruneMethod.values()) {
            Outcome o = session.evaluate(List.of(new Edit.Prune(two, 0.3, m, 5)), Progress.NONE);
            assertEquals(Math.round(0.3 * 1024) + Math.round(0.3 * 2048), o.zeroed(), m.name());
            assertEquals(1024 + 2048, o.entries());
            assertEquals(0, o.firstLayerRecomputed());
        }
    }

    @Test
    void magnitudePruningEvaluatesTheModelWhoseMatrixIsPrunedOnDisk() {
        String name = "bert.encoder.layer.1.intermediate.dense.weight";
        // the tuned folder with that one matrix pruned by an independent reference (boxed sort, ties by index)
        Path reference = TinyWhatIf.folderWith(dir.resolve("pruned-reference"), (n, v) -> {
            if (!n.equals(name)) {
                return null;
            }
            float[] w = session.values("encoder.layer.1.intermediate.dense.weight");
            Integer[] order = new Integer[w.length];
            for (int i = 0; i < w.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> Math.abs(w[i])).thenComparingInt(i -> i));
            int k = (int) Math.round(0.4 * w.length);
            for (int i = 0; i < k; i++) {
                w[order[i]] = 0f;
            }
            return w;
        }, (n, t) -> n.contains(".encoder.layer.") && !n.equals(name));
        try (WhatIfSession onDisk = WhatIfSession.open(TinyWhatIf.spec(reference, null), null)) {
            WhatIfSession.Pass edited = session.pass(List.of(new Edit.Prune(
                    List.of(new MatrixRef(1, GridColumn.FFN_IN)), 0.4, PruneMethod.MAGNITUDE, 0)));
            WhatIfSession.Pass expected = onDisk.pass(List.of());
            assertTrue(TinyWhatIf.maxAbsDiff(expected.logits(), edited.logits()) <= SAME_LOGITS,
                    "max diff " + TinyWhatIf.maxAbsDiff(expected.logits(), edited.logits()));
            assertNotEquals(0, TinyWhatIf.maxAbsDiff(session.pass(List.of()).logits(), edited.logits()),
                    "pruning 40% of a matrix changes the logits");
        }
    }

    @Test
    void randomPruningIsReproducibleBySeed() {
        List<MatrixRef> one = List.of(new MatrixRef(1, GridColumn.V));
        float[][] a = session.pass(List.of(new Edit.Prune(one, 0.5, PruneMethod.RANDOM, 3))).logits();
        float[][] b = session.pass(List.of(new Edit.Prune(one, 0.5, PruneMethod.RANDOM, 3))).logits();
        float[][] c = session.pass(List.of(new Edit.Prune(one, 0.5, PruneMethod.RANDOM, 4))).logits();
        assertArrayEquals(a, b);
        assertNotEquals(0, TinyWhatIf.maxAbsDiff(a, c));
    }

    @Test
    void editsAreUndoneExactlyAfterEachEvaluation() {
        String q = "encoder.layer.0.attention.self.query.weight";
        String ln = "encoder.layer.1.output.LayerNorm.weight";
        float[] qBefore = session.values(q);
        float[] lnBefore = session.values(ln);
        float[][] before = session.pass(List.of()).logits();
        session.evaluate(List.of(new Edit.Revert(all()), new Edit.Prune(all(), 0.7, PruneMethod.MAGNITUDE, 0),
                new Edit.RevertLayers(List.of(1))), Progress.NONE);
        assertArrayEquals(qBefore, session.values(q));
        assertArrayEquals(lnBefore, session.values(ln));
        assertArrayEquals(before, session.pass(List.of()).logits());
    }

    @Test
    void theCacheGivesTheMetricsOfAFullRecomputation() {
        try (WhatIfSession uncached = WhatIfSession.open(TinyWhatIf.spec(tuned, TinyWhatIf.BASE).withCache(false),
                null)) {
            assertEquals(0, uncached.cacheBytes());
            List<Edit> edits = List.of(new Edit.Prune(List.of(new MatrixRef(1, GridColumn.ATTN_OUT)), 0.5,
                    PruneMethod.MAGNITUDE, 0), new Edit.Revert(List.of(new MatrixRef(1, GridColumn.FFN_OUT))));
            Outcome cached = session.evaluate(edits, Progress.NONE);
            Outcome full = uncached.evaluate(edits, Progress.NONE);
            assertEquals(1, cached.firstLayerRecomputed());
            assertEquals(0, full.firstLayerRecomputed());
            assertEquals(full.metrics().get("accuracy"), cached.metrics().get("accuracy"));
            assertEquals(full.metrics().get("loss"), cached.metrics().get("loss"), SAME_LOGITS);
            double diff = TinyWhatIf.maxAbsDiff(uncached.pass(edits).logits(), session.pass(edits).logits());
            assertTrue(diff <= SAME_LOGITS, "max diff " + diff);
            assertEquals(uncached.baseline().metrics().get("accuracy"), session.baseline().metrics().get("accuracy"));
        }
    }

    @Test
    void revertingEveryLayerGivesTheBaseModelsHiddenStatesExactly() {
        try (WhatIfSession base = WhatIfSession.open(TinyWhatIf.spec(TinyWhatIf.BASE, null), null)) {
            WhatIfSession.Pass expected = base.pass(List.of());
            WhatIfSession.Pass reverted = session.pass(List.of(new Edit.RevertLayers(List.of(0, 1))));
            assertEquals(expected.lastHidden().size(), reverted.lastHidden().size());
            for (int b = 0; b < expected.lastHidden().size(); b++) {
                assertArrayEquals(expected.lastHidden().get(b), reverted.lastHidden().get(b), "batch " + b);
            }
            assertArrayEquals(expected.logits(), reverted.logits());
            WhatIfSession.Pass tunedPass = session.pass(List.of());
            assertFalse(Arrays.equals(expected.lastHidden().get(0), tunedPass.lastHidden().get(0)),
                    "the tuned model's states differ before reverting");
            Outcome o = session.evaluate(List.of(new Edit.RevertLayers(List.of(0, 1))), Progress.NONE);
            assertEquals(base.baseline().primary(), o.primary());
            assertEquals(o.primary() - session.baseline().primary(), o.delta());
        }
    }

    @Test
    void anOverlayOpensOnItsBaseAndRevertsToIt() {
        Path overlay = TinyWhatIf.tunedOverlay(dir);
        try (WhatIfSession fromOverlay = WhatIfSession.open(TinyWhatIf.spec(overlay, null), null);
             WhatIfSession base = WhatIfSession.open(TinyWhatIf.spec(TinyWhatIf.BASE, null), null)) {
            assertEquals("tiny-tuned", fromOverlay.modelLabel());
            assertTrue(fromOverlay.canRevert());
            assertArrayEquals(session.pass(List.of()).logits(), fromOverlay.pass(List.of()).logits());
            assertArrayEquals(base.pass(List.of()).logits(),
                    fromOverlay.pass(List.of(new Edit.Revert(all()), new Edit.RevertLayers(List.of(0, 1)))).logits());
        }
    }

    @Test
    void aCancelledEvaluationThrowsAndLeavesTheModelUnchanged() {
        float[][] before = session.pass(List.of()).logits();
        AtomicInteger checks = new AtomicInteger();
        Progress afterThree = Progress.cancelledWhen(() -> checks.incrementAndGet() > 3);
        assertThrows(CancellationException.class, () -> session.evaluate(
                List.of(new Edit.Prune(all(), 0.9, PruneMethod.MAGNITUDE, 0)), afterThree));
        assertEquals(4, checks.get(), "checked at every batch and layer until asked");
        assertArrayEquals(before, session.pass(List.of()).logits());
    }

    @Test
    void revertingWithoutABaseIsRefused() {
        try (WhatIfSession noBase = WhatIfSession.open(TinyWhatIf.spec(TinyWhatIf.BASE, null), null)) {
            assertFalse(noBase.canRevert());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> noBase.evaluate(List.of(new Edit.RevertLayers(List.of(0))), Progress.NONE));
            assertEquals("tiny: reverting needs the pre-trained base model; give a base (or open an overlay, which "
                    + "names its base)", e.getMessage());
        }
    }

    @Test
    void aLayerTheModelLacksIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.evaluate(
                List.of(new Edit.Prune(List.of(new MatrixRef(2, GridColumn.Q)), 0.5, PruneMethod.MAGNITUDE, 0)),
                Progress.NONE));
        assertEquals("layer 2 does not exist: tuned has layers 0 … 1", e.getMessage());
    }

    @Test
    void maxExamplesKeepsTheFirstExamples() {
        List<Double> seen = new ArrayList<>();
        try (WhatIfSession few = WhatIfSession.open(TinyWhatIf.spec(tuned, null).withMaxExamples(4),
                new Progress() {
                    @Override
                    public void update(long done, long total, String what) {
                        seen.add((double) done / total);
                    }

                    @Override
                    public boolean isCancelled() {
                        return false;
                    }
                })) {
            assertEquals(4, few.examples());
            assertFalse(few.canRevert());
        }
        assertEquals(0.0, seen.get(0));
        assertEquals(1.0, seen.get(seen.size() - 1));
    }

    @Test
    void dataThatCannotBeReadIsNamedInTheMessage() {
        Path nowhere = dir.resolve("no-data");
        SessionSpec spec = new SessionSpec(tuned, null, nowhere, "SST-2", "dev", 5, 32, 0, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WhatIfSession.open(spec, null));
        assertTrue(e.getMessage().startsWith(nowhere.toString()), e.getMessage());
        SessionSpec task = new SessionSpec(tuned, null, TinyWhatIf.DATA, "SST-3", "dev", 5, 32, 0, true);
        assertEquals("unknown GLUE task 'SST-3' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI)",
                assertThrows(IllegalArgumentException.class, () -> WhatIfSession.open(task, null)).getMessage());
    }
    @Test
    void limitThreadsSetsHowManyThreadsLibtorchUsesInThisProcess() {
        int before = WhatIfSession.threads();
        try {
            WhatIfSession.limitThreads(2);
            assertEquals(2, WhatIfSession.threads());
            WhatIfSession.limitThreads(0);
            assertEquals(1, WhatIfSession.threads());
        } finally {
            WhatIfSession.limitThreads(before);
        }
    }
}
