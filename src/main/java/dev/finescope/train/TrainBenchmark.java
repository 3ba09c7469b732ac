package dev.finescope.train;

import ai.djl.engine.Engine;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The speed yardstick of training ({@code finescope bench train}): steps of a MiniLM-shaped BERT (6 layers, hidden
 * 384, 12 heads, FFN 1536, vocabulary 30522; random weights) on batches of 32 × 64 tokens with dropout, AdamW and
 * clipping, as a full fine-tune and with learned masks on every encoder matrix (10%, scores ±3). The same model
 * and step as {@code src/test/python/train_step_bench.py}, so the two numbers compare DJL with PyTorch on one
 * machine.
 */
public final class TrainBenchmark {

    /** MiniLM-L6-H384's shape, with a two-class head. */
    public static final BertConfig MINILM = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu", 0.1,
            0.1, 0.02, 2);

    /** One kind of step: its trainable parameters and step times in seconds. */
    public record Result(String kind, long trainableParameters, double[] seconds, int batch) {
        public double median() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        public double examplesPerSecond() {
            return batch / median();
        }

        public String describe() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return String.format(Locale.ROOT, "%s: %d trainable parameters; step median %.3f s (min %.3f, max %.3f) "
                    + "= %.1f examples/s", kind, trainableParameters, median(), s[0], s[s.length - 1],
                    examplesPerSecond());
        }
    }

    private TrainBenchmark() {
    }

    /**
     * Times {@code steps} steps of each kind after one untimed step.
     *
     * @param kinds {@code full} and/or {@code masked}
     */
    public static List<Result> run(List<String> kinds, int steps, int batch, int length, ai.djl.Device device) {
        Checkpoint ck = randomBert(MINILM, 1);
        TokenBatch tokens = randomBatch(batch, length, 2);
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 2;
        }
        Engine.getInstance().setRandomSeed(3);
        List<Result> out = new ArrayList<>();
        for (String kind : kinds) {
            TrainingPolicy policy = switch (kind) {
                case "full" -> TrainingPolicy.full();
                case "masked" -> TrainingPolicy.maskEncoder(0.1, false);
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "' (full, masked)");
            };
            try (BertEncoder model = BertEncoder.builder().setCheckpoint(ck).setConfig(MINILM).optPolicy(policy)
                    .optDevice(device).build();
                 AdamW opt = new AdamW(model.trainableParameters(), AdamW.Settings.of(2e-5, 1e-2))) {
                TrainStep step = new TrainStep(model, opt, 1.0);
                step.run(tokens, labels, 1.0);
                double[] times = new double[steps];
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step.run(tokens, labels, 1.0);
                    times[i] = (System.nanoTime() - t0) / 1e9;
                }
                out.add(new Result(kind, model.parameterCount(true), times, batch));
            }
        }
        return out;
    }

    /** Peak resident memory of this process (VmHWM), in bytes; -1 where the system does not say. */
    public static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }


    /** {@code [CLS]} random ids {@code [SEP]}, no padding, as the Python benchmark's batch. */
    static TokenBatch randomBatch(int batch, int length, long seed) {
        Random r = new Random(seed);
        List<EncodedText> rows = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] ids = new int[length];
            for (int j = 0; j < length; j++) {
                ids[j] = 1000 + r.nextInt(29000);
            }
            ids[0] = 101;
            ids[length - 1] = 102;
            rows.add(new EncodedText(ids, new int[length]));
        }
        return TokenBatch.pad(rows, 0);
    }

    /** A BERT checkpoint of that shape with BERT's initialisation (normal, std 0.02; LayerNorms 1 and 0). */
    static Checkpoint randomBert(BertConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        int h = c.hiddenSize();
        int f = c.intermediateSize();
        matrix(values, shapes, r, "bert.embeddings.word_embeddings.weight", c.vocabSize(), h);
        matrix(values, shapes, r, "bert.embeddings.position_embeddings.weight", c.maxPositions(), h);
        matrix(values, shapes, r, "bert.embeddings.token_type_embeddings.weight", c.typeVocabSize(), h);
        norm(values, shapes, "bert.embeddings.LayerNorm", h);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "bert.encoder.layer." + i + ".";
            for (String n : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                dense(values, shapes, r, p + n, h, h);
            }
            norm(values, shapes, p + "attention.output.LayerNorm", h);
            dense(values, shapes, r, p + "intermediate.dense", f, h);
            dense(values, shapes, r, p + "output.dense", h, f);
            norm(values, shapes, p + "output.LayerNorm", h);
        }
        dense(values, shapes, r, "bert.pooler.dense", h, h);
        return new MemoryCheckpoint(Path.of("random MiniLM-shaped BERT"), values, shapes);
    }

    private static void dense(Map<String, float[]> v, Map<String, long[]> s, Random r, String name, int rows,
            int cols) {
        matrix(v, s, r, name + ".weight", rows, cols);
        v.put(name + ".bias", new float[rows]);
        s.put(name + ".bias", new long[] {rows});
    }

    private static void matrix(Map<String, float[]> v, Map<String, long[]> s, Random r, String name, int rows,
            int cols) {
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (r.nextGaussian() * 0.02);
        }
        v.put(name, m);
        s.put(name, new long[] {rows, cols});
    }

    private static void norm(Map<String, float[]> v, Map<String, long[]> s, String name, int h) {
        float[] ones = new float[h];
        Arrays.fill(ones, 1f);
        v.put(name + ".weight", ones);
        s.put(name + ".weight", new long[] {h});
        v.put(name + ".bias", new float[h]);
        s.put(name + ".bias", new long[] {h});
    }

    /** Float tensors held in memory. */
    private static final class MemoryCheckpoint implements Checkpoint {
        private final Path source;
        private final Map<String, float[]> values;
        private final Map<String, long[]> shapes;

        MemoryCheckpoint(Path source, Map<String, float[]> values, Map<String, long[]> shapes) {
            this.source = source;
            this.values = values;
            this.shapes = shapes;
        }

        @Override
        public Path source() {
            return source;
        }

        @Override
        public List<String> tensorNames() {
            return List.copyOf(values.keySet());
        }

        @Override
        public boolean contains(String name) {
            return values.containsKey(name);
        }

        @Override
        public Tensor tensor(String name) {
            float[] v = values.get(name);
            if (v == null) {
                throw new CheckpointException(source, "no tensor " + name);
            }
            long[] shape = shapes.get(name);
            return new Tensor() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public DType dtype() {
                    return DType.F32;
                }

                @Override
                public long[] shape() {
                    return shape.clone();
                }

                @Override
                public ByteBuffer bytes(long from, int count) {
                    ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v, (int) from, count);
                    return b;
                }

                @Override
                public float[] toFloatArray() {
                    return v.clone();
                }
            };
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }
}
