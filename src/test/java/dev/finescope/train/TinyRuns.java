package dev.finescope.train;

import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.plan.Plan;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunSpec;
import java.nio.file.Path;

/**
 * Run specs on the tiny BERT of {@code fixtures/train/tiny} and the tiny SST-2-layout task of
 * {@code fixtures/train/tiny-task} (written by {@code src/test/python/make_tiny_task.py}): 32 training and 12 dev
 * sentences whose words are all in the tiny vocabulary.
 */
public final class TinyRuns {
    public static final Path BASE = Path.of("src/test/resources/fixtures/train/tiny").toAbsolutePath();
    public static final Path TASK = Path.of("src/test/resources/fixtures/train/tiny-task").toAbsolutePath();

    /** A few steps: batches of 8, at most 32 tokens, rates high enough to move a tiny model in three steps. */
    public static final HyperParameters FEW_STEPS = HyperParameters.builder().epochs(1).batchSize(8).maxLength(32)
            .learningRate(1e-3).scoreLearningRate(0.05).warmupRatio(0).maxSteps(3).seed(7).build();

    private TinyRuns() {
    }

    /** Keeps base fingerprints, which writing an overlay computes, in {@code folder} instead of the user's cache. */
    public static void cacheIn(Path folder) {
        System.setProperty(UserDirectories.CACHE_PROPERTY, folder.toString());
    }

    public static void clearCache() {
        System.clearProperty(UserDirectories.CACHE_PROPERTY);
    }

    public static RunSpec spec(Plan plan, HyperParameters hp, Path output) {
        return new RunSpec("tiny " + plan.name(), BASE, DataSpec.glue(TASK, "SST-2"), PlanSource.of(plan), hp,
                Device.CPU, output);
    }
}
