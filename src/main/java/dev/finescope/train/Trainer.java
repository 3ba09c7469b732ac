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
import java.util.function.LongSupplier;

/**
 * The training loop of one run over a built model: epochs of shuffled batches (dynamic padding), AdamW over the
 * tensors the plan trains at the schedule's rate ({@link LinearSchedule}), gradient clipping, evaluation on the
 * dev splits every N steps and at the end. It reports through {@link RunEvent}s and knows nothing of files, so
 * the same loop serves a run folder, a test and a benchmark.
 *
 * <p>Everything random is seeded by the run's seed: the order of the examples (one {@link Random} over all epochs,
 * replayed on resume) and dropout (the engine's generator, seeded before each step from the run's seed and the
 * step's number, since the engine cannot hand out its generator's state). With the same model, data and seed on
 * the CPU, two runs compute the same steps bit for bit, and so does a run stopped at any step and resumed from
 * its checkpoint ({@link TrainingCheckpoint}).
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
    public record Outcome(boolean cancelled, boolean trained, boolean interrupted, long steps,
                          Map<String, Double> metrics, List<Evaluator.Result> lastEvaluation) {
    }

    /**
     * What steers a loop from outside: {@code cancel} ends it for good, {@code interrupt} ends it with a
     * checkpoint to resume from; both are asked before every step and between evaluation batches.
     * {@code cadence} says when to save a checkpoint on the way, by the steps and by {@code nanoTime}.
     */
    public record Control(BooleanSupplier cancel, BooleanSupplier interrupt, CheckpointCadence cadence,
                          LongSupplier nanoTime) {
        public Control {
            Objects.requireNonNull(cancel, "cancel");
            Objects.requireNonNull(interrupt, "interrupt");
            Objects.requireNonNull(cadence, "cadence");
            Objects.requireNonNull(nanoTime, "nanoTime");
        }
    }

    /**
     * Where a loop stands between two steps: {@code step} steps done, the 1-based {@code epoch} and the batches of
     * it done, that epoch's order of the training examples, and whether the evaluation due after the step is still
     * to do. With the weights and the optimizer's state, enough to go on exactly as without a break.
     */
    public record Position(long step, int epoch, int batchesDone, int[] order, boolean evaluationPending) {
        public Position {
            order = order.clone();
        }

        @Override
        public int[] order() {
            return order.clone();
        }
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

        /**
         * Save a checkpoint now: the model's weights and {@code optimizer}'s state as they are at
         * {@code position}. Throwing stops the run.
         */
        default void checkpoint(Position position, AdamW optimizer) {
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

    /** Trains from the start until the last step or until {@code cancel} says so; no checkpoints. */
    public Outcome run(BooleanSupplier cancel) {
        return run(new Control(cancel, () -> false, CheckpointCadence.ON_SIGNAL_ONLY, System::nanoTime), null);
    }

    /**
     * Trains until the last step, a cancel or an interrupt, saving checkpoints through {@link Listener#checkpoint}
     * as {@code control}'s cadence says, and from {@code resumeFrom} (its weights, optimizer state and position)
     * when given. An interrupt ends the run after the current step (or on the way through an evaluation, which
     * the checkpoint then marks as still to do) with a checkpoint of where it stands.
     */
    public Outcome run(Control control, TrainingCheckpoint resumeFrom) {
        LinearSchedule schedule = LinearSchedule.of(totalSteps, hp.warmupRatio());
        List<ModelParameter> updated = plan.updated(model);
        List<ModelParameter> gradientOnly = plan.gradientOnly(model);
        Engine.getInstance().setRandomSeed((int) hp.seed());
        Random order = new Random(hp.seed());
        double clip = hp.gradientClip() > 0 ? hp.gradientClip() : Double.POSITIVE_INFINITY;
        BooleanSupplier cancel = control.cancel();
        BooleanSupplier interrupt = control.interrupt();
        BooleanSupplier stop = () -> cancel.getAsBoolean() || interrupt.getAsBoolean();
        CheckpointCadence.Clock checkpoints = control.cadence().start(control.nanoTime());
        StepLogCadence cadence = new StepLogCadence(System::nanoTime);
        List<Evaluator.Result> last = List.of();
        long step;
        try (AdamW optimizer = new AdamW(updated, optimizerSettings(hp))) {
            Position at;
            long saved;
            if (resumeFrom == null) {
                at = new Position(0, 1, 0, permutation(train.size(), order), false);
                saved = -1;
            } else {
                at = resumeFrom.position();
                check(at);
                int[] replayed = null;
                for (int e = 1; e <= at.epoch(); e++) {
                    replayed = permutation(train.size(), order);
                }
                if (!java.util.Arrays.equals(replayed, at.order())) {
                    throw new IllegalStateException("the checkpoint's order of the training examples in epoch "
                            + at.epoch() + " is not the one seed " + hp.seed() + " gives");
                }
                resumeFrom.restore(optimizer);
                saved = at.step();
            }
            step = at.step();
            int epoch = at.epoch();
            int batches = at.batchesDone();
            int[] permutation = at.order();
            TrainStep trainStep = new TrainStep(model, optimizer, clip);
            if (at.evaluationPending()) {
                Optional<List<Evaluator.Result>> e = evaluate(step, stop);
                if (e.isEmpty()) {
                    return stopped(interrupt, step, last, at, optimizer, false);
                }
                last = e.get();
                saved = -1;
            }
            while (step < totalSteps) {
                if (batches == stepsPerEpoch) {
                    epoch++;
                    batches = 0;
                    permutation = permutation(train.size(), order);
                }
                if (cancel.getAsBoolean()) {
                    return new Outcome(true, false, false, step, metricsOf(last), last);
                }
                if (interrupt.getAsBoolean()) {
                    Position here = new Position(step, epoch, batches, permutation, false);
                    return stopped(interrupt, step, last, here, optimizer, saved == step);
                }
                int from = batches * hp.batchSize();
                int[] indices = java.util.Arrays.copyOfRange(permutation, from,
                        Math.min(train.size(), from + hp.batchSize()));
                long t0 = System.nanoTime();
                double scale = schedule.scale(step + 1);
                // dropout draws from the engine's generator, seeded anew for each step: a run resumed at any step
                // draws what it would have drawn without the break
                JniUtils.setSeed(dropoutSeed(hp.seed(), step + 1));
                TrainStep.Result r = trainStep.run(train.batch(indices), train.targets(indices), scale);
                clearGradients(gradientOnly);
                step++;
                batches++;
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = hp.learningRate() * scale;
                listener.onEvent(new RunEvent.Step(Instant.now(), step, totalSteps, epoch, r.loss(), rate,
                        indices.length / Math.max(seconds, 1e-9)));
                if (cadence.due(step, totalSteps)) {
                    listener.log(String.format(Locale.ROOT, "step %d/%d (epoch %d): loss %.5f, learning rate "
                            + "%.3g, gradient norm %.4g, %.1f examples/s", step, totalSteps, epoch, r.loss(),
                            rate, r.gradientNorm(), indices.length / Math.max(seconds, 1e-9)));
                }
                // with no step interval, each epoch but the last ends with an evaluation (the last one follows)
                boolean evaluationDue = step < totalSteps && (hp.evalEverySteps() > 0
                        ? step % hp.evalEverySteps() == 0 : batches == stepsPerEpoch);
                if (evaluationDue) {
                    Optional<List<Evaluator.Result>> e = evaluate(step, stop);
                    if (e.isEmpty()) {
                        Position here = new Position(step, epoch, batches, permutation, true);
                        return stopped(interrupt, step, last, here, optimizer, false);
                    }
                    last = e.get();
                }
                if (step < totalSteps && checkpoints.due(step)) {
                    listener.checkpoint(new Position(step, epoch, batches, permutation, false), optimizer);
                    checkpoints.saved();
                    saved = step;
                }
            }
            listener.trained(step);
            Optional<List<Evaluator.Result>> e = evaluate(step, stop);
            if (e.isEmpty()) {
                if (!cancel.getAsBoolean() && interrupt.getAsBoolean()) {
                    // the weights are final and saved; the checkpoint lets a resumed run do the closing evaluation
                    listener.checkpoint(new Position(step, epoch, batches, permutation, false), optimizer);
                    return new Outcome(false, true, true, step, Map.of(), List.of());
                }
                return new Outcome(true, true, false, step, Map.of(), List.of());
            }
            return new Outcome(false, true, false, step, metricsOf(e.get()), e.get());
        }
    }

    /**
     * The end of a loop stopped on the way: cancelled, or interrupted with a checkpoint of {@code here} (unless
     * one of that very place was saved already).
     */
    private Outcome stopped(BooleanSupplier interrupt, long step, List<Evaluator.Result> last, Position here,
            AdamW optimizer, boolean alreadySaved) {
        if (!interrupt.getAsBoolean()) {
            return new Outcome(true, false, false, step, metricsOf(last), last);
        }
        if (!alreadySaved) {
            listener.checkpoint(here, optimizer);
        }
        return new Outcome(false, false, true, step, metricsOf(last), last);
    }

    private void check(Position at) {
        if (at.step() < 0 || at.step() > totalSteps || at.epoch() < 1 || at.batchesDone() < 0
                || at.batchesDone() > stepsPerEpoch || at.order().length != train.size()
                || (at.epoch() - 1L) * stepsPerEpoch + at.batchesDone() != at.step()) {
            throw new IllegalStateException("the checkpoint's place (step " + at.step() + ", epoch " + at.epoch()
                    + ", " + at.batchesDone() + " batches into it, " + at.order().length + " examples) does not fit "
                    + "this run (" + totalSteps + " steps, " + stepsPerEpoch + " batches of " + train.size()
                    + " examples an epoch)");
        }
    }

    /**
     * The seed of the engine's generator for 1-based {@code step} of a run seeded {@code seed}: SplitMix64 of the
     * pair, non-negative.
     */
    static long dropoutSeed(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 1;
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
