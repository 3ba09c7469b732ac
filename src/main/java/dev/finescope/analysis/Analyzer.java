package dev.finescope.analysis;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a tuned model with its base: every tensor present in both, one fused pass over both in double
 * precision, in parallel over tensors and over chunks of large tensors, with a heap that does not grow with
 * the model (each thread reads one chunk of each tensor at a time into its own buffers).
 *
 * <p>Results are deterministic: chunk boundaries depend on the chunk size only and chunk sums are merged in
 * chunk order, so any number of threads gives bit-identical metrics for a given chunk size.
 *
 * <p>The angle is {@code 2·atan2(‖â−b̂‖, ‖â+b̂‖)} with {@code ‖â−b̂‖²} from the pass's sums when that is well
 * conditioned (see {@link MetricSums#closedFormUnitDiffSq()}); for the rare nearly parallel pair where it is not
 * (a rescaled tensor, say), a second light pass over that tensor alone sums {@code (a/‖a‖ − b/‖b‖)²} directly.
 *
 * <p>Every tensor present in both models is compared, whatever its element type: integer and boolean buffers
 * (such as {@code position_ids}) are compared as their float values, which is exact up to 2<sup>24</sup>.
 * Tensors of different element types (an F16 export of an F32 base) are compared by value.
 */
public final class Analyzer {

    /**
     * The default chunk: 64 Ki elements, 256 KiB of floats per buffer, so that a thread's two buffers stay in its
     * core's L2 cache between the copy out of the mapping and the pass over them.
     */
    public static final int DEFAULT_CHUNK_ELEMENTS = 1 << 16;

    private static final Logger LOGGER = LoggerFactory.getLogger(Analyzer.class);

    private final ChunkRunner runner;

    /** An analyzer using {@code threads} worker threads and chunks of {@link #DEFAULT_CHUNK_ELEMENTS}. */
    public Analyzer(int threads) {
        this(threads, DEFAULT_CHUNK_ELEMENTS);
    }

    /**
     * An analyzer using {@code threads} worker threads (the calling thread is one of them) reading
     * {@code chunkElements} elements of a tensor at a time. The heap it needs is about
     * {@code threads × chunkElements × 8} bytes.
     */
    public Analyzer(int threads, int chunkElements) {
        this.runner = new ChunkRunner(threads, chunkElements);
    }

    /** An analyzer with one thread per available processor. */
    public static Analyzer withAvailableProcessors() {
        return new Analyzer(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return runner.threads();
    }

    public int chunkElements() {
        return runner.chunkElements();
    }

    /**
     * Compares every same-named tensor. A shape mismatch is a {@link CheckpointException} naming the tensor and
     * both shapes; tensors on one side only are listed in the result.
     *
     * @throws java.util.concurrent.CancellationException when {@code progress} asks to stop
     */
    public ModelComparison compare(Checkpoint base, String baseLabel, Checkpoint tuned, String tunedLabel,
            NameMap names, Progress progress) {
        Objects.requireNonNull(names, "names");
        return compare(base, baseLabel, tuned, tunedLabel, names::locate, progress);
    }

    /**
     * Compares every same-named tensor, placing each on the grid with {@code locator} (empty: the "other" group).
     *
     * @throws CheckpointException when a tensor has different shapes in the two models
     * @throws java.util.concurrent.CancellationException when {@code progress} asks to stop
     */
    public ModelComparison compare(Checkpoint base, String baseLabel, Checkpoint tuned, String tunedLabel,
            Function<String, Optional<GridPosition>> locator, Progress progress) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(tuned, "tuned");
        Objects.requireNonNull(locator, "locator");
        Progress p = progress == null ? Progress.NONE : progress;

        List<String> baseNames = base.tensorNames();
        Set<String> inBase = new HashSet<>(baseNames);
        Set<String> inTuned = new HashSet<>(tuned.tensorNames());
        List<String> common = new ArrayList<>();
        List<String> onlyInBase = new ArrayList<>();
        for (String name : baseNames) {
            (inTuned.contains(name) ? common : onlyInBase).add(name);
        }
        List<String> onlyInTuned = tuned.tensorNames().stream().filter(n -> !inBase.contains(n)).toList();

        List<Tensor> as = new ArrayList<>(common.size());
        List<Tensor> bs = new ArrayList<>(common.size());
        for (String name : common) {
            Tensor a = base.tensor(name);
            Tensor b = tuned.tensor(name);
            requireSameShape(name, a, b, tuned);
            as.add(a);
            bs.add(b);
        }
        MetricSums[] sums = sums(as, bs, p);

        List<TensorComparison> tensors = new ArrayList<>(common.size());
        for (int i = 0; i < common.size(); i++) {
            String name = common.get(i);
            tensors.add(new TensorComparison(name, locator.apply(name).orElse(null), as.get(i).shape(),
                    TensorMetrics.of(sums[i]), sums[i], as.get(i).dtype(), bs.get(i).dtype()));
        }
        if (!onlyInBase.isEmpty() || !onlyInTuned.isEmpty()) {
            LOGGER.info("{} tensors only in {}, {} only in {}", onlyInBase.size(), baseLabel, onlyInTuned.size(),
                    tunedLabel);
        }
        return new ModelComparison(baseLabel, tunedLabel, layers(baseNames, locator), tensors, onlyInBase,
                onlyInTuned);
    }

    /** The metrics of one pair of tensors of the same shape. */
    public TensorMetrics compareTensors(Tensor base, Tensor tuned, Progress progress) {
        requireSameShape(base.name(), base, tuned, null);
        return TensorMetrics.of(sums(List.of(base), List.of(tuned), progress == null ? Progress.NONE : progress)[0]);
    }

    /**
     * The reference scale of {@code method.md}: the same metrics between every floating tensor of {@code base}
     * and a fresh random initialisation of its shape, normal with mean 0 and standard deviation {@code std}
     * (BERT uses {@code initializer_range}, 0.02). The values depend only on {@code seed}, the tensor's name and
     * the element's index, never on threads or chunks, and are generated chunk by chunk, never held whole.
     * Non-floating buffers have no random counterpart and are listed as only in the base.
     */
    public ModelComparison compareWithRandomInit(Checkpoint base, String baseLabel, double std, long seed,
            Function<String, Optional<GridPosition>> locator, Progress progress) {
        try (Checkpoint random = RandomInit.of(base, std, seed)) {
            return compare(base, baseLabel, random, RandomInit.label(std, seed), locator, progress);
        }
    }

    /** {@link #compareWithRandomInit(Checkpoint, String, double, long, Function, Progress)} with a name map. */
    public ModelComparison compareWithRandomInit(Checkpoint base, String baseLabel, double std, long seed,
            NameMap names, Progress progress) {
        Objects.requireNonNull(names, "names");
        return compareWithRandomInit(base, baseLabel, std, seed, names::locate, progress);
    }

    /** The finished sums (with {@code ‖â−b̂‖²} known) of each pair. */
    private MetricSums[] sums(List<Tensor> as, List<Tensor> bs, Progress progress) {
        List<ChunkRunner.Job> jobs = new ArrayList<>(as.size());
        for (int i = 0; i < as.size(); i++) {
            Tensor a = as.get(i);
            jobs.add(new ChunkRunner.Job(a.name(), a.numel(),
                    (long) a.dtype().byteSize() + bs.get(i).dtype().byteSize()));
        }
        List<List<MetricSums>> chunks = runner.run(jobs, (job, from, count, x, y) -> {
            as.get(job).readFloats(from, x, 0, count);
            bs.get(job).readFloats(from, y, 0, count);
            return MetricSums.of(x, y, count);
        }, progress, "comparing");

        MetricSums[] sums = new MetricSums[as.size()];
        List<Integer> refine = new ArrayList<>();
        for (int i = 0; i < sums.length; i++) {
            MetricSums s = MetricSums.EMPTY;
            for (MetricSums c : chunks.get(i)) {
                s = s.plus(c);
            }
            if (s.isClosedFormAccurate()) {
                sums[i] = s.withUnitDiffSq(s.closedFormUnitDiffSq());
            } else {
                sums[i] = s;
                refine.add(i);
            }
        }
        if (!refine.isEmpty()) {
            long total = jobs.stream().mapToLong(j -> j.numel() * j.bytesPerElement()).sum();
            refine(as, bs, sums, refine, atCompletion(progress, total));
        }
        return sums;
    }

    /** The second pass for nearly parallel pairs: {@code ‖â−b̂‖² = Σ(a/‖a‖ − b/‖b‖)²} summed directly. */
    private void refine(List<Tensor> as, List<Tensor> bs, MetricSums[] sums, List<Integer> refine,
            Progress progress) {
        List<ChunkRunner.Job> jobs = new ArrayList<>(refine.size());
        double[] alpha = new double[refine.size()];
        double[] beta = new double[refine.size()];
        for (int k = 0; k < refine.size(); k++) {
            int i = refine.get(k);
            Tensor a = as.get(i);
            jobs.add(new ChunkRunner.Job(a.name(), a.numel(),
                    (long) a.dtype().byteSize() + bs.get(i).dtype().byteSize()));
            alpha[k] = sums[i].baseNorm();
            beta[k] = sums[i].tunedNorm();
        }
        LOGGER.debug("second pass for the angle of {} nearly parallel tensors", refine.size());
        List<List<Double>> chunks = runner.run(jobs, (job, from, count, x, y) -> {
            int i = refine.get(job);
            as.get(i).readFloats(from, x, 0, count);
            bs.get(i).readFloats(from, y, 0, count);
            return unitDiffSq(x, y, count, alpha[job], beta[job]);
        }, progress, "refining the angle of");
        for (int k = 0; k < refine.size(); k++) {
            double u = 0;
            for (double c : chunks.get(k)) {
                u += c;
            }
            int i = refine.get(k);
            sums[i] = sums[i].withUnitDiffSq(Math.min(4, u));
        }
    }

    /**
     * The second pass is short and not known in advance: it reports the first pass's total as done, with the
     * tensor it is refining, so that a listener's progress never goes back.
     */
    private static Progress atCompletion(Progress progress, long total) {
        return new Progress() {
            @Override
            public void update(long done, long ignored, String what) {
                progress.update(total, total, what);
            }

            @Override
            public boolean isCancelled() {
                return progress.isCancelled();
            }
        };
    }

    static double unitDiffSq(float[] a, float[] b, int count, double alpha, double beta) {
        double s = 0;
        for (int i = 0; i < count; i++) {
            double d = a[i] / alpha - b[i] / beta;
            s += d * d;
        }
        return s;
    }

    private static void requireSameShape(String name, Tensor a, Tensor b, Checkpoint tuned) {
        long[] sa = a.shape();
        long[] sb = b.shape();
        if (!Arrays.equals(sa, sb)) {
            throw new CheckpointException(tuned == null ? null : tuned.source(), name + ": shape "
                    + Tensor.shapeString(sa) + " in base, " + Tensor.shapeString(sb) + " in tuned");
        }
    }

    static int layers(List<String> baseNames, Function<String, Optional<GridPosition>> locator) {
        int layers = 0;
        for (String name : baseNames) {
            Optional<GridPosition> pos = locator.apply(name);
            if (pos.isPresent() && pos.get().row().kind() == GridRow.Kind.LAYER) {
                layers = Math.max(layers, pos.get().row().layer() + 1);
            }
        }
        return layers;
    }
}
