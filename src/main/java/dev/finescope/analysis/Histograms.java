package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.EqualBins;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Histograms and sparsity of any set of tensors (one tensor, a cell, a row, the whole model), streamed in
 * chunks on the same bounded buffers as the {@link Analyzer}, in parallel. Counts are integers merged by
 * addition, so results never depend on threads or chunking. Binning follows {@code numpy.histogram} exactly
 * (edges as {@code linspace} computes them, the last bin closed), so a reference computed by numpy can be
 * matched count for count.
 */
public final class Histograms {

    private final ChunkRunner runner;

    /** Histograms computed on {@code threads} threads with chunks of {@link Analyzer#DEFAULT_CHUNK_ELEMENTS}. */
    public Histograms(int threads) {
        this(threads, Analyzer.DEFAULT_CHUNK_ELEMENTS);
    }

    public Histograms(int threads, int chunkElements) {
        this.runner = new ChunkRunner(threads, chunkElements);
    }

    /**
     * The histogram of the named tensors' values taken together. {@code tuned} may be {@code null} for
     * {@link Histogram.Values#BASE}; for {@link Histogram.Values#TUNED} the tensors are read from {@code tuned};
     * for {@link Histogram.Values#DELTA} from both, which must agree on shapes.
     */
    public Histogram of(Checkpoint base, Checkpoint tuned, List<String> names, HistogramSpec spec,
            Progress progress) {
        Objects.requireNonNull(spec, "spec");
        Progress p = progress == null ? Progress.NONE : progress;
        Source source = Source.of(base, tuned, names, spec.values());
        double lo = spec.lo();
        double hi = spec.hi();
        int bins;
        if (spec.isAuto()) {
            double[] range = range(source, spec.log10(), p);
            lo = range[0];
            hi = range[1];
            long binned = (long) range[2];
            if (binned == 0) {
                lo = 0;
                hi = 1;
            } else if (lo == hi) {
                lo -= 0.5;
                hi += 0.5;
            }
            bins = spec.binsFor(binned);
        } else {
            bins = spec.bins();
        }
        return count(source, spec, lo, hi, bins, p);
    }

    /** The sparsity of the named tensors of {@code model} taken together. */
    public Sparsity sparsity(Checkpoint model, List<String> names, double threshold, Progress progress) {
        Sparsity total = Sparsity.empty(threshold);
        for (Sparsity s : sparsityByTensor(model, names, threshold, progress).values()) {
            total = total.plus(s);
        }
        return total;
    }

    /** The sparsity of each named tensor of {@code model}, in the order given. */
    public Map<String, Sparsity> sparsityByTensor(Checkpoint model, List<String> names, double threshold,
            Progress progress) {
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("the threshold must be 0 or more, not " + threshold);
        }
        Source source = Source.of(model, null, names, Histogram.Values.BASE);
        List<List<long[]>> chunks = runner.run(source.jobs(), (job, from, count, x, y) -> {
            source.first.get(job).readFloats(from, x, 0, count);
            long zeros = 0;
            long below = 0;
            for (int i = 0; i < count; i++) {
                float v = x[i];
                if (v == 0f) {
                    zeros++;
                }
                if (Math.abs((double) v) < threshold) {
                    below++;
                }
            }
            return new long[] {count, zeros, below};
        }, progress == null ? Progress.NONE : progress, "measuring sparsity of");
        Map<String, Sparsity> out = new LinkedHashMap<>();
        for (int j = 0; j < names.size(); j++) {
            long[] sum = new long[3];
            for (long[] c : chunks.get(j)) {
                for (int k = 0; k < 3; k++) {
                    sum[k] += c[k];
                }
            }
            out.put(names.get(j), new Sparsity(sum[0], sum[1], sum[2], threshold));
        }
        return out;
    }

    /** min, max and the number of values that enter the bins (finite, and non-zero on the log scale). */
    private double[] range(Source source, boolean log10, Progress progress) {
        List<List<double[]>> chunks = runner.run(source.jobs(), (job, from, count, x, y) -> {
            source.read(job, from, count, x, y);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            long n = 0;
            for (int i = 0; i < count; i++) {
                double v = source.value(x, y, i);
                if (log10) {
                    if (v == 0) {
                        continue;
                    }
                    v = Math.log10(Math.abs(v));
                }
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    n++;
                }
            }
            return new double[] {min, max, n};
        }, progress, "finding the range of");
        double[] r = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0};
        for (List<double[]> perJob : chunks) {
            for (double[] c : perJob) {
                r[0] = Math.min(r[0], c[0]);
                r[1] = Math.max(r[1], c[1]);
                r[2] += c[2];
            }
        }
        return r;
    }

    private Histogram count(Source source, HistogramSpec spec, double lo, double hi, int bins, Progress progress) {
        boolean log10 = spec.log10();
        EqualBins equal = new EqualBins(lo, hi, bins);
        // per chunk: bins counts, then below, above, zeros, non-finite
        List<List<long[]>> chunks = runner.run(source.jobs(), (job, from, count, x, y) -> {
            source.read(job, from, count, x, y);
            long[] c = new long[bins + 4];
            for (int i = 0; i < count; i++) {
                double v = source.value(x, y, i);
                if (log10) {
                    if (v == 0) {
                        c[bins + 2]++;
                        continue;
                    }
                    v = Math.log10(Math.abs(v));
                }
                if (Double.isNaN(v)) {
                    c[bins + 3]++;
                } else if (v < lo) {
                    c[bins]++;
                } else if (v > hi) {
                    c[bins + 1]++;
                } else {
                    c[equal.bin(v)]++;
                }
            }
            return c;
        }, progress, "counting values of");
        long[] total = new long[bins + 4];
        for (List<long[]> perJob : chunks) {
            for (long[] c : perJob) {
                for (int k = 0; k < total.length; k++) {
                    total[k] += c[k];
                }
            }
        }
        return new Histogram(spec.values(), log10, lo, hi, Arrays.copyOf(total, bins), total[bins],
                total[bins + 1], total[bins + 2], total[bins + 3], source.numel());
    }

    /** The tensors to read and how a value is formed from them. */
    private static final class Source {
        final Histogram.Values values;
        final List<Tensor> first;
        final List<Tensor> second;

        private Source(Histogram.Values values, List<Tensor> first, List<Tensor> second) {
            this.values = values;
            this.first = first;
            this.second = second;
        }

        static Source of(Checkpoint base, Checkpoint tuned, List<String> names, Histogram.Values values) {
            Objects.requireNonNull(names, "names");
            Objects.requireNonNull(values, "values");
            List<Tensor> first = new ArrayList<>(names.size());
            List<Tensor> second = new ArrayList<>(names.size());
            for (String name : names) {
                switch (values) {
                    case BASE -> first.add(Objects.requireNonNull(base, "base").tensor(name));
                    case TUNED -> first.add(Objects.requireNonNull(tuned, "tuned").tensor(name));
                    case DELTA -> {
                        Tensor a = Objects.requireNonNull(base, "base").tensor(name);
                        Tensor b = Objects.requireNonNull(tuned, "tuned").tensor(name);
                        if (!Arrays.equals(a.shape(), b.shape())) {
                            throw new CheckpointException(tuned.source(), name + ": shape "
                                    + Tensor.shapeString(a.shape()) + " in base, " + Tensor.shapeString(b.shape())
                                    + " in tuned");
                        }
                        first.add(a);
                        second.add(b);
                    }
                    default -> throw new IllegalArgumentException(values.toString());
                }
            }
            return new Source(values, first, second);
        }

        List<ChunkRunner.Job> jobs() {
            List<ChunkRunner.Job> jobs = new ArrayList<>(first.size());
            for (int j = 0; j < first.size(); j++) {
                Tensor t = first.get(j);
                long bytes = t.dtype().byteSize() + (second.isEmpty() ? 0 : second.get(j).dtype().byteSize());
                jobs.add(new ChunkRunner.Job(t.name(), t.numel(), bytes));
            }
            return jobs;
        }

        long numel() {
            return first.stream().mapToLong(Tensor::numel).sum();
        }

        void read(int job, long from, int count, float[] x, float[] y) {
            first.get(job).readFloats(from, x, 0, count);
            if (values == Histogram.Values.DELTA) {
                second.get(job).readFloats(from, y, 0, count);
            }
        }

        /** The value of entry {@code i}: {@code x[i]}, or {@code y[i] − x[i]} in double for the delta. */
        double value(float[] x, float[] y, int i) {
            return values == Histogram.Values.DELTA ? (double) y[i] - (double) x[i] : x[i];
        }
    }
}
