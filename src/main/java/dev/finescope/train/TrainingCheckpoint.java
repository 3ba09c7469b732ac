package dev.finescope.train;

import dev.finescope.run.RunFolder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.run.RunFolder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a run needs to go on after a break exactly as if there had been none, in one file of its run folder
 * ({@value #FILE}), replaced atomically each time (written beside its name, forced to the disk, then renamed over
 * the old one), so a process killed at any moment leaves the previous checkpoint or the new one, whole.
 *
 * <p>Format {@value #FORMAT}, version {@value #VERSION}: a safetensors file (so Python's {@code safetensors} opens
 * it), little-endian, whose tensors are
 * <ul>
 *   <li>{@code param/NAME} (F32): every tensor the optimizer updates, under its checkpoint name, mask scores
 *       ({@code NAME.mask_scores}) and the task head included; frozen tensors are the base model's and not
 *       stored;</li>
 *   <li>{@code adam.m/NAME}, {@code adam.v/NAME} (F32): AdamW's running means of the gradient and of its
 *       square;</li>
 *   <li>{@code order} (I32): the order of the training examples in the current epoch.</li>
 * </ul>
 * and whose {@code __metadata__} (strings) holds {@code format}, {@code version}, {@code step} (steps done),
 * {@code epoch} (1-based) and {@code batches_done} (of that epoch), {@code evaluation_pending} (the evaluation
 * due after {@code step} was interrupted and is done first on resume), {@code total_steps},
 * {@code optimizer_steps} (AdamW's step count, for its bias corrections), {@code seed}, {@code random}
 * (how every generator's state follows from the seed and the place) and what the run must be for the checkpoint
 * to fit it ({@code run}: the spec without its name and folder; {@code data_sha256}: the data files' hashes). The
 * learning-rate schedule is a function of the step. No generator state is stored because none needs to be: the
 * example order comes from one {@link java.util.Random} seeded by the run's seed, replayed epoch by epoch (and
 * checked against {@code order}), and dropout's engine generator is seeded anew before every step from the seed
 * and the step ({@link Trainer}). A reader refuses another format or a newer version.
 */
public final class TrainingCheckpoint implements AutoCloseable {

    /** The file's name in a run folder. */
    public static final String FILE = RunFolder.CHECKPOINT_FILE;
    /** The {@code format} metadata of this kind of file. */
    public static final String FORMAT = "finescope.training-checkpoint";
    /** The version this code writes and the newest it reads. */
    public static final int VERSION = 1;

    static final String RANDOM_SCHEME = "order: java.util.Random(seed), one shuffle per epoch; dropout: the engine's "
            + "generator seeded with splitmix64(seed, step) before each step";

    private static final String PARAM = "param/";
    private static final String FIRST_MOMENT = "adam.m/";
    private static final String SECOND_MOMENT = "adam.v/";
    private static final String ORDER = "order";

    private final Path file;
    private final SafetensorsReader reader;
    private final Map<String, String> metadata;
    private final Trainer.Position position;
    private final int optimizerSteps;

    private TrainingCheckpoint(Path file, SafetensorsReader reader, Map<String, String> metadata,
            Trainer.Position position, int optimizerSteps) {
        this.file = file;
        this.reader = reader;
        this.metadata = metadata;
        this.position = position;
        this.optimizerSteps = optimizerSteps;
    }

    /**
     * Writes the checkpoint of {@code optimizer}'s tensors and state at {@code position} to {@code target},
     * atomically, with {@code identity} (what the run must be to resume from it) in its metadata.
     */
    static void write(Path target, Trainer.Position position, AdamW optimizer, long totalSteps, long seed,
            Map<String, String> identity) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("checkpoints are written on little-endian machines only");
        }
        SafetensorsWriter w = new SafetensorsWriter();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", Integer.toString(VERSION));
        meta.put("step", Long.toString(position.step()));
        meta.put("epoch", Integer.toString(position.epoch()));
        meta.put("batches_done", Integer.toString(position.batchesDone()));
        meta.put("evaluation_pending", Boolean.toString(position.evaluationPending()));
        meta.put("total_steps", Long.toString(totalSteps));
        meta.put("optimizer_steps", Integer.toString(optimizer.steps()));
        meta.put("seed", Long.toString(seed));
        meta.put("random", RANDOM_SCHEME);
        meta.putAll(identity);
        w.metadata(meta);
        List<ModelParameter> params = optimizer.parameters();
        for (int i = 0; i < params.size(); i++) {
            ModelParameter p = params.get(i);
            w.addCopy(new LiveTensor(PARAM + p.name(), p.array()));
            w.addCopy(new LiveTensor(FIRST_MOMENT + p.name(), optimizer.firstMoment(i)));
            w.addCopy(new LiveTensor(SECOND_MOMENT + p.name(), optimizer.secondMoment(i)));
        }
        int[] order = position.order();
        ByteBuffer bytes = ByteBuffer.allocate(order.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(order);
        w.addRaw(ORDER, DType.I32, new long[] {order.length}, bytes.array());
        w.write(target);
    }

    /**
     * Opens a checkpoint and reads where it stands; its tensors stay in the file until {@link #restore}.
     *
     * @throws CheckpointException when the file is not a training checkpoint this version reads
     */
    public static TrainingCheckpoint read(Path file) {
        SafetensorsReader reader = SafetensorsReader.open(file);
        try {
            Map<String, String> meta = Map.copyOf(reader.metadata());
            if (!FORMAT.equals(meta.get("format"))) {
                throw new CheckpointException(file, "is not a training checkpoint (format "
                        + meta.getOrDefault("format", "unknown") + ")");
            }
            int version = (int) number(file, meta, "version");
            if (version < 1 || version > VERSION) {
                throw new CheckpointException(file, "is a training checkpoint of version " + version + "; this "
                        + "FineScope reads versions up to " + VERSION);
            }
            if (!reader.contains(ORDER) || reader.tensor(ORDER).dtype() != DType.I32
                    || reader.tensor(ORDER).shape().length != 1) {
                throw new CheckpointException(file, "has no order of the training examples");
            }
            Tensor orderTensor = reader.tensor(ORDER);
            int[] order = new int[Math.toIntExact(orderTensor.numel())];
            orderTensor.bytes(0, order.length).duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(order);
            String pending = meta.get("evaluation_pending");
            if (!"true".equals(pending) && !"false".equals(pending)) {
                throw new CheckpointException(file, "has evaluation_pending '" + pending + "', not true or false");
            }
            Trainer.Position position = new Trainer.Position(number(file, meta, "step"),
                    (int) number(file, meta, "epoch"), (int) number(file, meta, "batches_done"), order,
                    Boolean.parseBoolean(pending));
            return new TrainingCheckpoint(file, reader, meta, position, (int) number(file, meta, "optimizer_steps"));
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private static long number(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            long n = Long.parseLong(Objects.requireNonNull(v));
            if (n < 0 || n > Integer.MAX_VALUE && !key.equals("step")) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException | NullPointerException e) {
            throw new CheckpointException(file, "has no valid " + key + " (" + v + ")");
        }
    }

    public Path file() {
        return file;
    }

    /** Steps done when it was saved. */
    public long step() {
        return position.step();
    }

    public Trainer.Position position() {
        return position;
    }

    /** The metadata, for checks of what it fits (and for people). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Throws unless the checkpoint's metadata {@code key} is {@code expected}: a checkpoint of another run (other
     * hyper-parameters, plan or data) must not be resumed into this one.
     */
    public void requireSame(String key, String expected, String what) {
        String found = metadata.get(key);
        if (!Objects.equals(found, expected)) {
            throw new CheckpointException(file, "was saved by a run with other " + what + "; it cannot be resumed "
                    + "under this run's spec");
        }
    }

    /**
     * Copies the saved tensors into {@code optimizer}'s live ones (the model's weights and its own moments), bit
     * for bit, and sets its step count. The tensors must be exactly the ones saved: same names, same shapes.
     */
    void restore(AdamW optimizer) {
        List<ModelParameter> params = optimizer.parameters();
        long saved = reader.tensorNames().stream().filter(n -> n.startsWith(PARAM)).count();
        if (saved != params.size()) {
            throw new CheckpointException(file, "holds " + saved + " trained tensors; this run trains "
                    + params.size());
        }
        GradientRecording.offOnThisThread();
        for (int i = 0; i < params.size(); i++) {
            ModelParameter p = params.get(i);
            copyInto(PARAM + p.name(), p.array());
            copyInto(FIRST_MOMENT + p.name(), optimizer.firstMoment(i));
            copyInto(SECOND_MOMENT + p.name(), optimizer.secondMoment(i));
        }
        optimizer.restoreSteps(optimizerSteps);
    }

    private void copyInto(String name, NDArray target) {
        if (!reader.contains(name)) {
            throw new CheckpointException(file, "has no tensor " + name + "; it was saved by a run with another plan");
        }
        Tensor t = reader.tensor(name);
        long[] shape = target.getShape().getShape();
        if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), shape)) {
            throw new CheckpointException(file, name + " is " + t.dtype() + Arrays.toString(t.shape()) + ", not F32"
                    + Arrays.toString(shape));
        }
        ByteBuffer bytes = t.bytes(0, Math.toIntExact(t.numel())).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        try (NDManager scope = target.getManager().newSubManager()) {
            NDArray source = scope.create(bytes, new Shape(shape), DataType.FLOAT32);
            target.set(new NDIndex("..."), source);
        }
    }

    @Override
    public void close() {
        reader.close();
    }

    /** A live array as a {@link Tensor} whose bytes are copied out of the engine once, when first asked for. */
    private static final class LiveTensor implements Tensor {
        private final String name;
        private final NDArray array;
        private ByteBuffer bytes;

        LiveTensor(String name, NDArray array) {
            this.name = name;
            this.array = array;
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(name + " is " + array.getDataType() + ", not float32");
            }
        }

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
            return array.getShape().getShape();
        }

        @Override
        public ByteBuffer bytes(long from, int count) {
            if (bytes == null) {
                bytes = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer slice = bytes.duplicate();
            slice.position(Math.toIntExact(from * 4)).limit(Math.toIntExact((from + count) * 4));
            ByteBuffer out = slice.slice().order(ByteOrder.LITTLE_ENDIAN);
            if (from + count == numel()) {
                // the writer asks in order; the last chunk frees the copy
                bytes = null;
            }
            return out;
        }
    }
}
