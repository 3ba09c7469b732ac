package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.EqualBins;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the learned mask scores of a sparsified result were distributed when training ended. The scores decide the
 * masks ({@code M = 1[S > threshold]}), so their distribution shows how settled a mask is: scores far from the
 * threshold would need many steps to flip, scores piled up next to it are undecided. Storing the scores would
 * cost as much as storing the matrices in fp32, so the overlay keeps their histograms instead, under
 * {@value #KEY} in its metadata.
 *
 * <p>Every matrix is counted in the same bins, {@code bins} equal bins over {@code [lo, hi]} with edges as numpy's
 * {@code linspace} computes them and the last bin closed (as {@code numpy.histogram} counts), so that a cell, a
 * row or the whole model is the sum of its matrices' counts. The training run takes {@code [−R, R]} with R the
 * largest |score| of the model, so the threshold 0 of the default rule is an edge. JSON:
 * <pre>{"lo": −R, "hi": R, "bins": 80, "tensors": {"name": {"counts": [...], "below": 0, "above": 0,
 * "non_finite": 0, "threshold": 0.0}}}</pre>
 * {@code threshold} is the score an entry must exceed to be kept: 0, or for an exact top-k mask the highest
 * score among the zeroed entries.
 */
public final class MaskScores {

    /** The overlay metadata key holding the histograms. */
    public static final String KEY = "finescope.mask_scores";
    /** Bins a training run uses: fine enough to see a pile-up next to the threshold, small in the metadata. */
    public static final int DEFAULT_BINS = 80;

    /** One matrix's counts; {@code below}/{@code above} lie outside {@code [lo, hi]}, NaN in {@code nonFinite}. */
    public record Counts(long[] counts, long below, long above, long nonFinite, double threshold) {
        public Counts {
            counts = counts.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        /** Every score counted, placed in a bin or not. */
        public long numel() {
            return Arrays.stream(counts).sum() + below + above + nonFinite;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Counts c && Arrays.equals(counts, c.counts) && below == c.below && above == c.above
                    && nonFinite == c.nonFinite && Double.compare(threshold, c.threshold) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(counts), below, above, nonFinite, threshold);
        }

        @Override
        public String toString() {
            return "Counts" + Arrays.toString(counts) + " below=" + below + " above=" + above + " nonFinite="
                    + nonFinite + " threshold=" + threshold;
        }
    }

    private final double lo;
    private final double hi;
    private final int bins;
    private final Map<String, Counts> tensors;

    private MaskScores(double lo, double hi, int bins, Map<String, Counts> tensors) {
        this.lo = lo;
        this.hi = hi;
        this.bins = bins;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /** Bins over {@code [−maxAbs, maxAbs]} (over [−1, 1] when {@code maxAbs} is 0 or not finite). */
    public static Builder symmetric(double maxAbs, int bins) {
        double r = Double.isFinite(maxAbs) && maxAbs > 0 ? maxAbs : 1;
        return new Builder(-r, r, bins);
    }

    /** The largest finite |score| of {@code scores}; 0 for none. */
    public static double maxAbs(float[] scores) {
        double m = 0;
        for (float s : scores) {
            if (Float.isFinite(s)) {
                m = Math.max(m, Math.abs(s));
            }
        }
        return m;
    }

    public double lo() {
        return lo;
    }

    public double hi() {
        return hi;
    }

    public int bins() {
        return bins;
    }

    /** Edge {@code k} of {@code bins + 1}, as {@code numpy.linspace(lo, hi, bins + 1)[k]} computes it. */
    public double edge(int k) {
        return k == bins ? hi : k * ((hi - lo) / bins) + lo;
    }

    /** The matrices counted, in the order they were written. */
    public Set<String> tensors() {
        return tensors.keySet();
    }

    public Counts counts(String tensor) {
        Counts c = tensors.get(tensor);
        if (c == null) {
            throw new IllegalArgumentException("no mask scores for " + tensor);
        }
        return c;
    }

    public boolean has(String tensor) {
        return tensors.containsKey(tensor);
    }

    /**
     * The counts of {@code names} added up (those without scores are skipped); the threshold is theirs when they
     * share one, NaN when they differ (exact top-k masks).
     */
    public Counts sum(List<String> names) {
        long[] c = new long[bins];
        long below = 0;
        long above = 0;
        long nonFinite = 0;
        Double threshold = null;
        for (String n : names) {
            Counts t = tensors.get(n);
            if (t == null) {
                continue;
            }
            for (int k = 0; k < bins; k++) {
                c[k] += t.counts[k];
            }
            below += t.below;
            above += t.above;
            nonFinite += t.nonFinite;
            threshold = threshold == null || Double.compare(threshold, t.threshold) == 0 ? t.threshold : Double.NaN;
        }
        return new Counts(c, below, above, nonFinite, threshold == null ? Double.NaN : threshold);
    }

    /** The metadata value. */
    public String toJson() {
        ObjectNode root = Overlay.JSON.createObjectNode();
        root.put("lo", lo);
        root.put("hi", hi);
        root.put("bins", bins);
        ObjectNode all = root.putObject("tensors");
        tensors.forEach((name, t) -> {
            ObjectNode o = all.putObject(name);
            ArrayNode counts = o.putArray("counts");
            for (long n : t.counts) {
                counts.add(n);
            }
            o.put("below", t.below);
            o.put("above", t.above);
            o.put("non_finite", t.nonFinite);
            o.put("threshold", t.threshold);
        });
        try {
            return Overlay.JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write mask scores as JSON", e);
        }
    }

    /** Reads the metadata value {@code json} of overlay {@code file}; a one-line error naming the file if bad. */
    public static MaskScores parse(Path file, String json) {
        JsonNode root;
        try {
            root = Overlay.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw bad(file, "is not JSON (it breaks off or goes wrong at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "is not a JSON object");
        }
        double lo = number(file, root, "lo", "");
        double hi = number(file, root, "hi", "");
        JsonNode binsNode = root.get("bins");
        if (binsNode == null || !binsNode.canConvertToInt() || !binsNode.isIntegralNumber() || binsNode.asInt() < 1
                || binsNode.asInt() > 100_000) {
            throw bad(file, "has no bin count from 1 to 100000 under \"bins\"");
        }
        int bins = binsNode.asInt();
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw bad(file, "has the range [" + lo + ", " + hi + "]; it needs finite lo < hi");
        }
        JsonNode all = root.get("tensors");
        if (all == null || !all.isObject()) {
            throw bad(file, "has no \"tensors\" object");
        }
        Map<String, Counts> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = " of " + e.getKey();
            JsonNode t = e.getValue();
            if (!t.isObject()) {
                throw bad(file, "has no object" + where);
            }
            JsonNode counts = t.get("counts");
            if (counts == null || !counts.isArray() || counts.size() != bins) {
                throw bad(file, "has no \"counts\" array of " + bins + " bins" + where);
            }
            long[] c = new long[bins];
            for (int k = 0; k < bins; k++) {
                c[k] = count(file, counts.get(k), "bin " + k + where);
            }
            tensors.put(e.getKey(), new Counts(c, count(file, t.get("below"), "\"below\"" + where),
                    count(file, t.get("above"), "\"above\"" + where),
                    count(file, t.get("non_finite"), "\"non_finite\"" + where),
                    number(file, t, "threshold", where)));
        }
        return new MaskScores(lo, hi, bins, tensors);
    }

    private static double number(Path file, JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw bad(file, "has no finite number \"" + key + "\"" + where);
        }
        return v.asDouble();
    }

    private static long count(Path file, JsonNode v, String what) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw bad(file, "has no count of 0 or more for " + what);
        }
        return v.asLong();
    }

    private static CheckpointException bad(Path file, String problem) {
        return new CheckpointException(file, "its mask scores (" + KEY + ") " + problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskScores m && Double.compare(lo, m.lo) == 0 && Double.compare(hi, m.hi) == 0
                && bins == m.bins && tensors.equals(m.tensors);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lo, hi, bins, tensors);
    }

    @Override
    public String toString() {
        return "MaskScores[" + lo + ", " + hi + "] " + bins + " bins " + tensors;
    }

    /** Counts matrices one at a time, so a training run never holds every score array at once. */
    public static final class Builder {
        private final double lo;
        private final double hi;
        private final int bins;
        private final EqualBins equal;
        private final Map<String, Counts> tensors = new LinkedHashMap<>();

        private Builder(double lo, double hi, int bins) {
            if (bins < 1) {
                throw new IllegalArgumentException("mask scores need at least one bin, not " + bins);
            }
            this.lo = lo;
            this.hi = hi;
            this.bins = bins;
            this.equal = new EqualBins(lo, hi, bins);
        }

        /** Counts the scores of matrix {@code tensor}, whose entries are kept when their score exceeds threshold. */
        public Builder add(String tensor, float[] scores, double threshold) {
            Objects.requireNonNull(tensor, "tensor");
            if (tensors.containsKey(tensor)) {
                throw new IllegalArgumentException("mask scores of " + tensor + " are counted twice");
            }
            long[] c = new long[bins];
            long below = 0;
            long above = 0;
            long nonFinite = 0;
            for (float s : scores) {
                double v = s;
                if (Double.isNaN(v)) {
                    nonFinite++;
                } else if (v < lo) {
                    below++;
                } else if (v > hi) {
                    above++;
                } else {
                    c[equal.bin(v)]++;
                }
            }
            tensors.put(tensor, new Counts(c, below, above, nonFinite, threshold));
            return this;
        }

        public MaskScores build() {
            return new MaskScores(lo, hi, bins, tensors);
        }
    }
}
