package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.common.Progress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity of a base model by its tensors alone: an overlay stores only what a task changed, so it must name
 * exactly the base it applies to, whatever file format, folder or file name that base has on a given machine.
 *
 * <p>A fingerprint is written {@code ALGORITHM:HEX} with 64 lowercase hex digits; the form without a prefix is
 * the first algorithm, which overlays written before the second one still carry. Both hash, for every tensor in
 * ascending order of name ({@link String#compareTo}, which is byte order for ASCII names), the same tensor
 * record: the name in UTF-8 and a 0x00 byte, the dtype's name ({@code F32}, {@code I64} …) in ASCII and a 0x00
 * byte, the rank and then each dimension as 8-byte little-endian integers ({@code u64le}), and the tensor's raw
 * little-endian bytes. They differ in how the records are combined:
 * <dl>
 * <dt>{@code sha256-tree-v2} ({@link Algorithm#SHA256_TREE_V2}, written by this version)</dt>
 * <dd><ol>
 * <li>Split each tensor's bytes into chunks of {@value #TREE_CHUNK_BYTES} bytes (8 MiB): chunk {@code k} holds bytes
 * {@code [k·C, min((k+1)·C, L))} of a tensor of {@code L} bytes, so a tensor has {@code ceil(L / C)} chunks and an
 * empty one none. {@code c_k = SHA-256(chunk k)}.</li>
 * <li>Tensor digest {@code t = SHA-256(name, 0x00, dtype, 0x00, u64le rank, u64le dims…, u64le L, c_0, c_1, …)}
 * with the 32-byte chunk digests in chunk order.</li>
 * <li>Fingerprint {@code SHA-256("sha256-tree-v2", 0x00, u64le N, t_0, t_1, …)} over the {@code N} tensor digests in
 * ascending order of name, written {@code sha256-tree-v2:} followed by its 64 hex digits.</li>
 * </ol>
 * Every chunk is hashed independently, so the work spreads over all cores while the result stays one defined
 * value, whatever the number of threads.</dd>
 * <dt>unprefixed ({@link Algorithm#SHA256_STREAM_V1})</dt>
 * <dd>{@code SHA-256} of the concatenated tensor records, one stream on one core.</dd>
 * </dl>
 * The same tensors give the same fingerprint as safetensors, as PyTorch {@code .bin} or split into shards.
 * Hashing a large model takes seconds, so {@link #of(ModelFolder)} remembers results per set of input files
 * (path, size, modification time) and algorithm in {@value FingerprintCache#FILE_NAME} in the user's cache folder.
 * An overlay is checked with the algorithm it was written with ({@link #sameForm}), so the old form is computed
 * only for an overlay that asks for it.
 */
public final class Fingerprint {

    /** How a fingerprint was computed; the prefix of its written form says which. */
    public enum Algorithm {
        /** One SHA-256 stream over all tensor records; written as bare hex, with no prefix. */
        SHA256_STREAM_V1(""),
        /** SHA-256 per chunk, per tensor and over the tensors (see {@link Fingerprint}); chunks hashed in parallel. */
        SHA256_TREE_V2("sha256-tree-v2");

        private final String id;

        Algorithm(String id) {
            this.id = id;
        }

        /** The prefix of the written form before the colon; empty for the first algorithm. */
        public String id() {
            return id;
        }

        String format(byte[] digest) {
            String hex = HexFormat.of().formatHex(digest);
            return id.isEmpty() ? hex : id + ":" + hex;
        }
    }

    /** The algorithm of new fingerprints. */
    public static final Algorithm CURRENT = Algorithm.SHA256_TREE_V2;

    /** The chunk size {@code C} of {@code sha256-tree-v2}: part of its definition, never to be changed. */
    public static final int TREE_CHUNK_BYTES = 1 << 23;

    private static final Logger LOGGER = LoggerFactory.getLogger(Fingerprint.class);
    /** Bytes hashed per read: large enough to keep SHA-256 busy, small enough never to matter for heap. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int SHORT_LENGTH = 8;
    private static final int HEX_DIGITS = 64;
    private static final long POLL_MILLIS = 50;

    /** How many fingerprints were computed from tensor bytes (not taken from the cache) in this JVM. */
    static final AtomicLong COMPUTED = new AtomicLong();

    private Fingerprint() {
    }

    /** The fingerprint of a model's weights, from the cache when its input files have not changed. */
    public static String of(ModelFolder model) {
        return of(model, CURRENT, Progress.NONE);
    }

    /** As {@link #of(ModelFolder)}, reporting bytes hashed when it has to compute. */
    public static String of(ModelFolder model, Progress progress) {
        return of(model, CURRENT, progress);
    }

    /**
     * The fingerprint of {@code model} in the form of {@code stored}, an overlay's recorded base fingerprint, so
     * that it can be compared with it: an overlay written with an older algorithm still opens on its base.
     *
     * @throws IllegalArgumentException when {@code stored} is not a well-formed fingerprint
     */
    public static String sameForm(ModelFolder model, String stored) {
        Algorithm algorithm = algorithmOf(stored).orElseThrow(
                () -> new IllegalArgumentException("not a fingerprint: " + stored));
        return of(model, algorithm, Progress.NONE);
    }

    /** The fingerprint of a model's weights by {@code algorithm}, from the cache when its files have not changed. */
    public static String of(ModelFolder model, Algorithm algorithm, Progress progress) {
        FingerprintCache cache = new FingerprintCache(UserDirectories.cache());
        List<FingerprintCache.FileStamp> stamps = FingerprintCache.stamps(model.inputFiles());
        if (stamps != null) {
            String cached = cache.lookup(stamps, algorithm);
            if (cached != null) {
                LOGGER.debug("fingerprint of {} from the cache", model.path());
                return cached;
            }
        }
        String fingerprint = compute(model.weights(), algorithm, progress);
        if (stamps != null) {
            List<FingerprintCache.FileStamp> after = FingerprintCache.stamps(model.inputFiles());
            if (stamps.equals(after)) {
                cache.store(stamps, fingerprint);
            } else {
                LOGGER.info("{} changed while it was fingerprinted; not caching", model.path());
            }
        }
        return fingerprint;
    }

    /** The fingerprint of any checkpoint by the current algorithm, always computed from its bytes. */
    public static String compute(Checkpoint checkpoint) {
        return compute(checkpoint, CURRENT, Progress.NONE);
    }

    /**
     * As {@link #compute(Checkpoint)}, reporting bytes hashed; a cancel throws {@link CancellationException}.
     */
    public static String compute(Checkpoint checkpoint, Progress progress) {
        return compute(checkpoint, CURRENT, progress);
    }

    /** The fingerprint of a checkpoint by {@code algorithm}, on all cores for the tree algorithm. */
    public static String compute(Checkpoint checkpoint, Algorithm algorithm, Progress progress) {
        return compute(checkpoint, algorithm, progress, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #compute(Checkpoint, Algorithm, Progress)} with at most {@code threads} threads hashing. */
    public static String compute(Checkpoint checkpoint, Algorithm algorithm, Progress progress, int threads) {
        String fingerprint = switch (algorithm) {
            case SHA256_STREAM_V1 -> computeStream(checkpoint, progress);
            case SHA256_TREE_V2 -> computeTree(checkpoint, progress, threads, TREE_CHUNK_BYTES);
        };
        COMPUTED.incrementAndGet();
        return fingerprint;
    }

    // ------------------------------------------------------------------------------------------ sha256-tree-v2

    /** One chunk of one tensor: elements {@code [from, from + count)}. */
    private record Chunk(int tensor, int index, long from, long count, long bytes) {
    }

    /** The tree algorithm with another chunk size, so that tests can split tiny tensors into many chunks. */
    static String computeTree(Checkpoint checkpoint, Progress progress, int threads, int chunkBytes) {
        List<String> names = new ArrayList<>(checkpoint.tensorNames());
        names.sort(null);
        int n = names.size();
        Tensor[] tensors = new Tensor[n];
        byte[][][] digests = new byte[n][][];
        List<Chunk> chunks = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < n; i++) {
            Tensor t = checkpoint.tensor(names.get(i));
            tensors[i] = t;
            int size = t.dtype().byteSize();
            if (chunkBytes % size != 0) {
                throw new IllegalArgumentException("chunk of " + chunkBytes + " bytes does not hold whole " + t.dtype());
            }
            long perChunk = chunkBytes / size;
            long numel = t.numel();
            int count = Math.toIntExact((numel + perChunk - 1) / perChunk);
            digests[i] = new byte[count][];
            for (int k = 0; k < count; k++) {
                long from = k * perChunk;
                long elements = Math.min(perChunk, numel - from);
                chunks.add(new Chunk(i, k, from, elements, elements * size));
            }
            total += t.byteSize();
        }
        // the largest first, so that no thread is left alone with a big chunk at the end
        chunks.sort(Comparator.comparingLong(Chunk::bytes).reversed());
        int workers = Math.max(1, Math.min(threads, chunks.size()));
        if (workers == 1) {
            long done = 0;
            for (Chunk c : chunks) {
                cancelIfAsked(checkpoint, progress);
                digests[c.tensor()][c.index()] = hashChunk(checkpoint, tensors[c.tensor()], c, progress);
                done += c.bytes();
                progress.update(done, total, names.get(c.tensor()));
            }
        } else {
            hashInParallel(checkpoint, tensors, chunks, digests, workers, total, progress);
        }
        MessageDigest root = sha256();
        root.update(Algorithm.SHA256_TREE_V2.id().getBytes(StandardCharsets.US_ASCII));
        root.update((byte) 0);
        ByteBuffer longs = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        root.update(longs.putLong(0, n).array());
        for (int i = 0; i < n; i++) {
            MessageDigest record = sha256();
            updateHeader(record, names.get(i), tensors[i], longs);
            record.update(longs.putLong(0, tensors[i].byteSize()).array());
            for (byte[] d : digests[i]) {
                record.update(d);
            }
            root.update(record.digest());
        }
        return Algorithm.SHA256_TREE_V2.format(root.digest());
    }

    private static void hashInParallel(Checkpoint checkpoint, Tensor[] tensors, List<Chunk> chunks,
                                       byte[][][] digests, int workers, long total, Progress progress) {
        AtomicInteger serial = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "fingerprint-" + serial.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Progress worker = new Progress() {
            @Override
            public void update(long done, long all, String what) {
                // the calling thread reports, once per finished chunk
            }

            @Override
            public boolean isCancelled() {
                return stop.get() || progress.isCancelled();
            }
        };
        try {
            ExecutorCompletionService<Chunk> done = new ExecutorCompletionService<>(pool);
            for (Chunk c : chunks) {
                done.submit(() -> {
                    digests[c.tensor()][c.index()] = hashChunk(checkpoint, tensors[c.tensor()], c, worker);
                    return c;
                });
            }
            long hashed = 0;
            for (int finished = 0; finished < chunks.size(); ) {
                if (progress.isCancelled()) {
                    stop.set(true);
                    throw cancelled(checkpoint);
                }
                Future<Chunk> f = done.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (f == null) {
                    continue;
                }
                Chunk c = f.get();
                finished++;
                hashed += c.bytes();
                progress.update(hashed, total, tensors[c.tensor()].name());
            }
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("fingerprinting " + checkpoint.source() + " was interrupted");
        } catch (ExecutionException e) {
            stop.set(true);
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CheckpointException(checkpoint.source(), "cannot be fingerprinted: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@code SHA-256} of one chunk's bytes, read {@value #CHUNK_BYTES} bytes at a time; a mapped buffer goes to the
     * digest directly, which copies it through a small array of its own that stays in the core's cache.
     */
    private static byte[] hashChunk(Checkpoint checkpoint, Tensor t, Chunk c, Progress progress) {
        MessageDigest sha = sha256();
        int size = t.dtype().byteSize();
        int step = Math.max(1, CHUNK_BYTES / size);
        long end = c.from() + c.count();
        for (long from = c.from(); from < end; from += step) {
            cancelIfAsked(checkpoint, progress);
            int count = (int) Math.min(step, end - from);
            ByteBuffer bytes = t.bytes(from, count).duplicate();
            long expected = (long) count * size;
            if (bytes.remaining() != expected) {
                throw new CheckpointException(checkpoint.source(), "tensor '" + t.name() + "' gave "
                        + bytes.remaining() + " bytes for " + count + " elements instead of " + expected);
            }
            sha.update(bytes);
        }
        return sha.digest();
    }

    /** The tensor record's header: the name as the checkpoint lists it, its dtype and its shape. */
    private static void updateHeader(MessageDigest sha, String name, Tensor t, ByteBuffer longs) {
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(t.dtype().name().getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
        long[] shape = t.shape();
        sha.update(longs.putLong(0, shape.length).array());
        for (long d : shape) {
            sha.update(longs.putLong(0, d).array());
        }
    }

    private static void cancelIfAsked(Checkpoint checkpoint, Progress progress) {
        if (progress.isCancelled()) {
            throw cancelled(checkpoint);
        }
    }

    private static CancellationException cancelled(Checkpoint checkpoint) {
        return new CancellationException("fingerprinting " + checkpoint.source() + " was cancelled");
    }

    // ------------------------------------------------------------------------------------- the first algorithm

    /** The unprefixed form: one SHA-256 stream over all tensor records, as FineScope wrote it first. */
    static String computeStream(Checkpoint checkpoint, Progress progress) {
        MessageDigest sha = sha256();
        List<String> names = new ArrayList<>(checkpoint.tensorNames());
        names.sort(null);
        long total = 0;
        for (String name : names) {
            total += checkpoint.tensor(name).byteSize();
        }
        ByteBuffer longs = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        // mapped buffers are hashed through one heap chunk: a bulk copy is cheaper than the digest's own small ones
        byte[] scratch = new byte[CHUNK_BYTES];
        long done = 0;
        for (String name : names) {
            if (progress.isCancelled()) {
                throw new CancellationException("fingerprinting " + checkpoint.source() + " was cancelled");
            }
            Tensor t = checkpoint.tensor(name);
            updateHeader(sha, name, t, longs);
            long numel = t.numel();
            int step = Math.max(1, CHUNK_BYTES / t.dtype().byteSize());
            for (long from = 0; from < numel; from += step) {
                int count = (int) Math.min(step, numel - from);
                ByteBuffer bytes = t.bytes(from, count).duplicate();
                long expected = (long) count * t.dtype().byteSize();
                if (bytes.remaining() != expected) {
                    throw new CheckpointException(checkpoint.source(), "tensor '" + name + "' gave "
                            + bytes.remaining() + " bytes for " + count + " elements instead of " + expected);
                }
                if (bytes.hasArray()) {
                    sha.update(bytes);
                } else {
                    while (bytes.hasRemaining()) {
                        int n = Math.min(scratch.length, bytes.remaining());
                        bytes.get(scratch, 0, n);
                        sha.update(scratch, 0, n);
                    }
                }
                done += expected;
                if (progress.isCancelled()) {
                    throw new CancellationException("fingerprinting " + checkpoint.source() + " was cancelled");
                }
                progress.update(done, total, name);
            }
        }
        return Algorithm.SHA256_STREAM_V1.format(sha.digest());
    }

    /** The first 8 hex digits of the digest and an ellipsis, as messages show a fingerprint to people. */
    public static String abbreviate(String fingerprint) {
        if (fingerprint == null) {
            return "(none)";
        }
        String hex = fingerprint.substring(fingerprint.indexOf(':') + 1);
        return hex.length() <= SHORT_LENGTH ? hex : hex.substring(0, SHORT_LENGTH) + "…";
    }

    /** The algorithm of a written fingerprint, or empty when it is not one ({@link #isWellFormed}). */
    public static Optional<Algorithm> algorithmOf(String fingerprint) {
        if (fingerprint == null) {
            return Optional.empty();
        }
        int colon = fingerprint.indexOf(':');
        String id = colon < 0 ? "" : fingerprint.substring(0, colon);
        String hex = fingerprint.substring(colon + 1);
        if (!isHex(hex) || colon == 0) {
            return Optional.empty();
        }
        for (Algorithm a : Algorithm.values()) {
            if (a.id().equals(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * True for the written forms: {@code sha256-tree-v2:} and 64 lowercase hex digits, or 64 lowercase hex digits
     * alone (the first algorithm).
     */
    public static boolean isWellFormed(String fingerprint) {
        return algorithmOf(fingerprint).isPresent();
    }

    private static boolean isHex(String hex) {
        if (hex.length() != HEX_DIGITS) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
