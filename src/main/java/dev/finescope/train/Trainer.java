package dev.finescope.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.RunEvent;
import dev.finescope.train.data.TaskMetric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The training loop of one run over a built model: epochs of shuffled batches (dynamic padding), AdamW over the
 * tensors the plan trains at the schedule's rate ({@link LinearSchedule}), gradient clipping, evaluation on the
 * dev splits every N steps and at the end. It reports through {@link RunEvent}s and knows nothing of files, so
 * the same loop serves a run folder, a test and a benchmark.
 *
 * <p>Everything random is seeded by the run's seed: the order of the examples (one {@link Random} over all epochs)
 * and dropout (the engine's generator, seeded when the loop starts). With the same model, data and seed on the
 * CPU, two runs compute the same steps bit for bit.
 *
 * <p>Cancelling is cooperative: {@code cancel} is asked before every step and between evaluation batches; the loop
 * then ends after the current step and reports {@link Outcome#cancelled()}. Once every step is done the weights are
 * final: {@link Listener#trained} hears so before the closing evaluation, so a cancelled (or failed) evaluation
 * costs only its metrics.
 */
public final class Trainer {

    /**
     * How the loop ended. {@code trained}: every step was done (a cancel then came during the closing evaluation).
     * Metrics are those of the closing evaluation; of the last complete one when cancelled before the last step;
     * empty when there was none, or when the closing evaluation was cancelled.
     */
    public record Outcome(boolean cancelled, boolean trained, long steps, Map<String, Double> metrics,
                          List<Evaluator.Result> lastEvaluation) {
    }

    /** Hears what the loop does: events in order, and lines for the run's log. */
    public interface Listener {
        void onEvent(RunEvent event);

        void log(String line);

        /**
         * Every step is done and the weights are final; the closing evaluation follows. The place to save the
         * weights first. Throwing stops the run.
         */
        default void trained(long steps) {
        }
    }

    private final BertEncoder model;
    private final PlanPolicies plan;
    private final HyperParameters hp;
    private final EncodedSplit train;
    private final List<EncodedSplit> dev;
    private final List<TaskMetric> metrics;
    private final Listener listener;
    private final long totalSteps;
    private final int stepsPerEpoch;

    /**
     * @param dev     the development splits (the first is the main one; MNLI has a second)
     * @param metrics the task's metrics
     */
    public Trainer(BertEncoder model, PlanPolicies plan, HyperParameters hp, EncodedSplit train,
            List<EncodedSplit> dev, List<TaskMetric> metrics, Listener listener) {
        this.model = Objects.requireNonNull(model, "model");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.hp = Objects.requireNonNull(hp, "hyper-parameters");
        this.train = Objects.requireNonNull(train, "train");
        this.dev = List.copyOf(dev);
        this.metrics = List.copyOf(metrics);
        this.listener = Objects.requireNonNull(listener, "listener");
        if (train.size() == 0 || this.dev.isEmpty()) {
            throw new IllegalArgumentException("training needs training examples and a dev split");
        }
        this.stepsPerEpoch = (train.size() + hp.batchSize() - 1) / hp.batchSize();
        this.totalSteps = totalSteps(train.size(), hp);
    }

    /** Steps of a run: every batch of every epoch, or {@code maxSteps} when that is fewer. */
    public static long totalSteps(int trainExamples, HyperParameters hp) {
        long perEpoch = (trainExamples + hp.batchSize() - 1) / hp.batchSize();
        long all = perEpoch * hp.epochs();
        return hp.maxSteps() > 0 ? Math.min(all, hp.maxSteps()) : all;
    }

    public long totalSteps() {
        return totalSteps;
    }

    /** The optimizer's settings for these hyper-parameters: BERT's betas and epsilon. */
    static AdamW.Settings optimizerSettings(HyperParameters hp) {
        return new AdamW.Settings(hp.learningRate(), hp.scoreLearningRate(), hp.weightDecay(), 0.9, 0.999, 1e-8);
    }

    /** Trains until the last step or until {@code cancel} says so. */
    public Outcome run(BooleanSupplier cancel) {
        LinearSchedule schedule = LinearSchedule.of(totalSteps, hp.warmupRatio());
        List<ModelParameter> updated = plan.updated(model);
        List<ModelParameter> gradientOnly = plan.gradientOnly(model);
        Engine.getInstance().setRandomSeed((int) hp.seed());
        Random order = new Random(hp.seed());
        double clip = hp.gradientClip() > 0 ? hp.gradientClip() : Double.POSITIVE_INFINITY;
        long step = 0;
        StepLogCadence cadence = new StepLogCadence(System::nanoTime);
        List<Evaluator.Result> last = List.of();
        try (AdamW optimizer = new AdamW(updated, optimizerSettings(hp))) {
            TrainStep trainStep = new TrainStep(model, optimizer, clip);
            for (int epoch = 1; epoch <= hp.epochs() && step < totalSteps; epoch++) {
                int[] permutation = permutation(train.size(), order);
                for (int b = 0; b < stepsPerEpoch && step < totalSteps; b++) {
                    if (cancel.getAsBoolean()) {
                        return new Outcome(true, false, step, metricsOf(last), last);
                    }
                    int from = b * hp.batchSize();
                    int[] indices = java.util.Arrays.copyOfRange(permutation, from,
                            Math.min(train.size(), from + hp.batchSize()));
                    long t0 = System.nanoTime();
                    double scale = schedule.scale(step + 1);
                    TrainStep.Result r = trainStep.run(train.batch(indices), train.targets(indices), scale);
                    clearGradients(gradientOnly);
                    step++;
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double rate = hp.learningRate() * scale;
                    listener.onEvent(new RunEvent.Step(Instant.now(), step, totalSteps, epoch, r.loss(), rate,
                            indices.length / Math.max(seconds, 1e-9)));
                    if (cadence.due(step, totalSteps)) {
                        listener.log(String.format(Locale.ROOT, "step %d/%d (epoch %d): loss %.5f, learning rate "
                                + "%.3g, gradient norm %.4g, %.1f examples/s", step, totalSteps, epoch, r.loss(),
                                rate, r.gradientNorm(), indices.length / Math.max(seconds, 1e-9)));
                    }
                    if (hp.evalEverySteps() > 0 && step % hp.evalEverySteps() == 0 && step < totalSteps) {
                        Optional<List<Evaluator.Result>> e = evaluate(step, cancel);
                        if (e.isEmpty()) {
                            return new Outcome(true, false, step, metricsOf(last), last);
                        }
                        last = e.get();
                    }
                }
                // with no step interval, each epoch but the last ends with an evaluation (the last one follows)
                if (hp.evalEverySteps() == 0 && step < totalSteps) {
                    Optional<List<Evaluator.Result>> e = evaluate(step, cancel);
                    if (e.isEmpty()) {
                        return new Outcome(true, false, step, metricsOf(last), last);
                    }
                    last = e.get();
                }
            }
        }
        listener.trained(step);
        Optional<List<Evaluator.Result>> e = evaluate(step, cancel);
        if (e.isEmpty()) {
            return new Outcome(true, true, step, Map.of(), List.of());
        }
        return new Outcome(false, true, step, metricsOf(e.get()), e.get());
    }

    /** Evaluates every dev split and reports each; empty when cancelled on the way. */
    private Optional<List<Evaluator.Result>> evaluate(long step, BooleanSupplier cancel) {
        List<Evaluator.Result> results = new ArrayList<>();
        for (EncodedSplit split : dev) {
            long t0 = System.nanoTime();
            Optional<Evaluator.Result> r = Evaluator.evaluate(model, split, hp.batchSize(), metrics, cancel);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            results.add(r.get());
            listener.onEvent(new RunEvent.Evaluation(Instant.now(), step, split.name(), r.get().metrics()));
            listener.log(String.format(Locale.ROOT, "evaluation after step %d on %s (%d examples, %.1f s): %s",
                    step, split.name(), split.size(), (System.nanoTime() - t0) / 1e9, describe(r.get().metrics())));
        }
        return Optional.of(Collections.unmodifiableList(results));
    }

    /**
     * The metrics of an evaluation as one map: the main dev split's by their keys, other splits' prefixed by
     * the split's name ({@code dev_mismatched.accuracy}).
     */
    static Map<String, Double> metricsOf(List<Evaluator.Result> results) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < results.size(); i++) {
            Evaluator.Result r = results.get(i);
            String prefix = i == 0 ? "" : r.split() + ".";
            r.metrics().forEach((k, v) -> out.put(prefix + k, v));
        }
        return out;
    }

    /** {@code accuracy 0.8750, loss 0.3012}. */
    public static String describe(Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        metrics.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.4f", k, v)));
        return String.join(", ", parts);
    }

    private static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Drops the gradients of tensors that record one without being updated (see {@link PlanPolicies}). */
    private static void clearGradients(List<ModelParameter> params) {
        for (ModelParameter p : params) {
            NDArray a = p.array();
            if (a instanceof PtNDArray pt) {
                JniUtils.zeroGrad(pt);
            }
        }
    }
}
