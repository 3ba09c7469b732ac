package dev.finescope.train;

import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.MaskScores;
import dev.finescope.checkpoint.overlay.OverlayWriter;
import dev.finescope.plan.TensorDecision;
import dev.finescope.plan.TensorRole;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a finished run hands over, gathered from the trained model by the plan's decisions: the tensors the plan
 * trained (in full, fp32), the learned masks of sparsified matrices (one bit per entry), the task head, and the
 * metadata that makes the result reproducible (plan, metrics, labels, provenance). Frozen tensors are not
 * stored: base ⊕ overlay is the trained model.
 */
public final class ResultOverlay {

    /** A tensor stored in full under its base name. */
    public record Trained(String name, long[] shape, float[] values) {
    }

    /** A learned mask of base tensor {@code name}: {@code kept[i]} keeps entry i (row-major), else it is zero. */
    public record Mask(String name, long[] shape, boolean[] kept) {
        /** Entries the mask zeroes. */
        public long zeroed() {
            long z = 0;
            for (boolean k : kept) {
                if (!k) {
                    z++;
                }
            }
            return z;
        }
    }

    private final List<Trained> trained;
    private final List<Mask> masks;
    private final List<Trained> head;
    private final MaskScores maskScores;
    private String planJson = "{}";
    private String metricsJson = "{}";
    private List<String> labels = List.of();
    private Map<String, String> provenance = Map.of();

    private ResultOverlay(List<Trained> trained, List<Mask> masks, List<Trained> head, MaskScores maskScores) {
        this.trained = List.copyOf(trained);
        this.masks = List.copyOf(masks);
        this.head = List.copyOf(head);
        this.maskScores = maskScores;
    }

    /** Gathers the result of {@code model} trained under {@code plan}. */
    public static ResultOverlay of(BertEncoder model, PlanPolicies plan) {
        Map<String, ModelParameter> byName = new LinkedHashMap<>();
        model.parameters().forEach(p -> byName.put(p.name(), p));
        Map<String, MaskedLinear> maskedByWeight = new LinkedHashMap<>();
        model.maskedUnits().forEach(m -> maskedByWeight.put(m.name() + ".weight", m));
        List<Trained> trained = new ArrayList<>();
        List<Mask> masks = new ArrayList<>();
        List<MaskedLinear> scored = new ArrayList<>();
        for (TensorDecision d : plan.decisions()) {
            String name = d.tensor().name();
            if (name.startsWith("classifier.")) {
                continue;
            }
            if (d.role() == TensorRole.TRAINED) {
                ModelParameter p = byName.get(name);
                if (p == null) {
                    throw new IllegalStateException("the plan trains " + name + ", which the model does not use");
                }
                trained.add(new Trained(name, p.shape(), p.toFloatArray()));
            } else if (d.role() == TensorRole.MASKED) {
                MaskedLinear m = maskedByWeight.get(name);
                if (m == null) {
                    throw new IllegalStateException("the plan masks " + name + ", which the model did not mask");
                }
                long[] shape = m.scores().shape();
                BitSet bits = m.mask();
                boolean[] kept = new boolean[Math.toIntExact(m.scores().array().size())];
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = bits.get(i);
                }
                masks.add(new Mask(name, shape, kept));
                scored.add(m);
            }
        }
        List<Trained> head = new ArrayList<>();
        for (ModelParameter p : model.parameters()) {
            if (p.name().startsWith("classifier.")) {
                head.add(new Trained(p.name(), p.shape(), p.toFloatArray()));
            }
        }
        return new ResultOverlay(trained, masks, head, scored.isEmpty() ? null : scoreHistograms(scored));
    }

    /**
     * The scores of every masked matrix counted in bins shared by all of them, over [−R, R] with R the largest
     * |score|; one matrix's scores at a time are copied out of the engine, twice (range, then counts).
     */
    static MaskScores scoreHistograms(List<MaskedLinear> units) {
        double maxAbs = 0;
        for (MaskedLinear m : units) {
            maxAbs = Math.max(maxAbs, MaskScores.maxAbs(m.scores().toFloatArray()));
        }
        MaskScores.Builder b = MaskScores.symmetric(maxAbs, MaskScores.DEFAULT_BINS);
        for (MaskedLinear m : units) {
            float[] s = m.scores().toFloatArray();
            b.add(m.name() + ".weight", s, threshold(m, s));
        }
        return b.build();
    }

    /** The score an entry must exceed to be kept: 0, or for exact top-k the highest score of a zeroed entry. */
    static double threshold(MaskedLinear m, float[] scores) {
        if (!m.exactTopK()) {
            return 0;
        }
        int pruned = MaskedLinear.prunedCount(scores.length, m.targetSparsity());
        float[] sorted = scores.clone();
        Arrays.sort(sorted);
        return pruned > 0 ? sorted[pruned - 1] : Math.nextDown(sorted.length == 0 ? 0f : sorted[0]);
    }

    public List<Trained> trained() {
        return trained;
    }

    public List<Mask> masks() {
        return masks;
    }

    public List<Trained> head() {
        return head;
    }

    /** The histograms of the masked matrices' scores; empty when the plan masks nothing. */
    public Optional<MaskScores> maskScores() {
        return Optional.ofNullable(maskScores);
    }

    public ResultOverlay plan(String json) {
        planJson = json;
        return this;
    }

    public ResultOverlay metrics(String json) {
        metricsJson = json;
        return this;
    }

    /** Label names in the order of the head's outputs (one name for a regression). */
    public ResultOverlay labels(List<String> names) {
        labels = List.copyOf(names);
        return this;
    }

    public ResultOverlay provenance(Map<String, String> entries) {
        // in the given order: Map.copyOf's order changes from one JVM to the next, and with it the overlay's bytes
        provenance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        return this;
    }

    /**
     * Writes the overlay for {@code base} to {@code target}, atomically: base ⊕ overlay is the trained model. The
     * base is named by its fingerprint and by where it lies as seen from the overlay.
     */
    public void write(ModelFolder base, Path target) {
        OverlayWriter w = OverlayWriter.forBase(base, OverlayWriter.hintFor(target, base.path()));
        for (Trained t : trained) {
            w.replace(t.name(), t.shape(), t.values());
        }
        for (Mask m : masks) {
            w.mask(m.name(), m.shape(), m.kept());
        }
        for (Trained t : head) {
            w.head(t.name(), t.shape(), t.values());
        }
        if (maskScores != null) {
            w.maskScores(maskScores);
        }
        w.plan(planJson).metrics(metricsJson).labels(labels).provenance(provenance).write(target);
    }
}
