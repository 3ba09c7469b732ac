package dev.finescope.train;

import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Times training steps of a MiniLM-shaped BERT (6 layers, hidden 384, 12 heads, FFN 1536, vocabulary 30522;
 * random weights) on batches of 32 × 64 tokens: a full fine-tune and learned masks on every encoder matrix.
 * A benchmark to run by hand, not a test: {@code java -cp … dev.finescope.train.TrainStepBenchmark [steps]}.
 */
public final class TrainStepBenchmark {
    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(TrainStepBenchmark.class);

    private TrainStepBenchmark() {
    }

    static FloatCheckpoint miniLmShaped(BertConfig c, long seed) {
        Random r = new Random(seed);
        FloatCheckpoint ck = new FloatCheckpoint(Path.of("minilm-shaped"));
        int h = c.hiddenSize();
        int f = c.intermediateSize();
        put(ck, r, "bert.embeddings.word_embeddings.weight", c.vocabSize(), h);
        put(ck, r, "bert.embeddings.position_embeddings.weight", c.maxPositions(), h);
        put(ck, r, "bert.embeddings.token_type_embeddings.weight", c.typeVocabSize(), h);
        norm(ck, "bert.embeddings.LayerNorm", h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "bert.encoder.layer." + i + ".";
            for (String n : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                put(ck, r, p + n + ".weight", h, h);
                ck.put(p + n + ".bias", new long[] {h}, new float[h]);
            }
            norm(ck, p + "attention.output.LayerNorm", h);
            put(ck, r, p + "intermediate.dense.weight", f, h);
            ck.put(p + "intermediate.dense.bias", new long[] {f}, new float[f]);
            put(ck, r, p + "output.dense.weight", h, f);
            ck.put(p + "output.dense.bias", new long[] {h}, new float[h]);
            norm(ck, p + "output.LayerNorm", h);
        }
        put(ck, r, "bert.pooler.dense.weight", h, h);
        ck.put("bert.pooler.dense.bias", new long[] {h}, new float[h]);
        return ck;
    }

    private static void put(FloatCheckpoint ck, Random r, String name, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.02);
        }
        ck.put(name, new long[] {rows, cols}, v);
    }

    private static void norm(FloatCheckpoint ck, String name, int h) {
        float[] ones = new float[h];
        Arrays.fill(ones, 1f);
        ck.put(name + ".weight", new long[] {h}, ones);
        ck.put(name + ".bias", new long[] {h}, new float[h]);
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BertConfig c = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu", 0.1, 0.1, 0.02, 2);
        FloatCheckpoint ck = miniLmShaped(c, 1);
        Random r = new Random(2);
        List<EncodedText> rows = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int[] ids = new int[64];
            for (int j = 0; j < 64; j++) {
                ids[j] = 1000 + r.nextInt(29000);
            }
            ids[0] = 101;
            ids[63] = 102;
            rows.add(new EncodedText(ids, new int[64]));
        }
        TokenBatch batch = TokenBatch.pad(rows, 0);
        float[] labels = new float[32];
        for (int i = 0; i < 32; i++) {
            labels[i] = i % 2;
        }
        Engine.getInstance().setRandomSeed(3);
        LOGGER.info("threads: intra-op {}, cores {}", System.getProperty("ai.djl.pytorch.num_threads", "default"),
                Runtime.getRuntime().availableProcessors());
        for (String kind : List.of("full", "masked")) {
            TrainingPolicy policy = kind.equals("full") ? TrainingPolicy.full() : TrainingPolicy.maskEncoder(0.1, false);
            try (BertEncoder model = BertEncoder.builder().setCheckpoint(ck).setConfig(c).optPolicy(policy).build();
                 AdamW opt = new AdamW(model.trainableParameters(), AdamW.Settings.of(2e-5, 1e-2))) {
                TrainStep step = new TrainStep(model, opt, 1.0);
                step.run(batch, labels, 1.0);
                double[] times = new double[steps];
                double[] cpu = new double[steps];
                java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
                for (int i = 0; i < steps; i++) {
                    long c0 = bean.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    step.run(batch, labels, 1.0);
                    times[i] = (System.nanoTime() - t0) / 1e9;
                    cpu[i] = (bean.getCurrentThreadCpuTime() - c0) / 1e9;
                }
                Arrays.sort(cpu);
                // the check every step makes after its update (part of the step times above)
                double[] checks = new double[steps];
                double[] checkCpu = new double[steps];
                for (int i = 0; i < steps; i++) {
                    long c0 = bean.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    opt.firstNonFiniteWeight();
                    checks[i] = (System.nanoTime() - t0) / 1e9;
                    checkCpu[i] = (bean.getCurrentThreadCpuTime() - c0) / 1e9;
                }
                Arrays.sort(checks);
                Arrays.sort(checkCpu);
                long t0 = System.nanoTime();
                TrainStep.evaluate(model, batch, labels);
                double forward = (System.nanoTime() - t0) / 1e9;
                Arrays.sort(times);
                LOGGER.info(String.format(java.util.Locale.ROOT, "%s: %d trainable parameters; step median %.3f s "
                                + "(min %.3f, max %.3f) = %.1f examples/s; calling thread's CPU per step median %.3f s; "
                                + "eval forward %.3f s; finite-weights check median %.4f s (calling thread's CPU %.4f s)", kind, model.parameterCount(true), times[steps / 2], times[0], times[steps - 1],
                        32 / times[steps / 2], cpu[steps / 2], forward,
                        checks[steps / 2], checkCpu[steps / 2]));
            }
        }
        Runtime rt = Runtime.getRuntime();
        LOGGER.info("JVM heap used {} MB", (rt.totalMemory() - rt.freeMemory()) / 1_000_000);
    }
}
