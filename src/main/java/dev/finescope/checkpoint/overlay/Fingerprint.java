package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Progress;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.UserDirectories;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity of a base model by its tensors alone: an overlay stores only what a task changed, so it must name
 * exactly the base it applies to, whatever file format, folder or file name that base has on a given machine.
 *
 * <p>The fingerprint is the lowercase hex SHA-256 of, for every tensor in ascending order of name
 * ({@link String#compareTo}, which is byte order for ASCII names):
 * <ol>
 * <li>the name in UTF-8, then a 0x00 byte;</li>
 * <li>the dtype's name ({@code F32}, {@code I64} …) in ASCII, then a 0x00 byte;</li>
 * <li>the rank, then each dimension, each as an 8-byte little-endian integer;</li>
 * <li>the tensor's raw little-endian bytes.</li>
 * </ol>
 * The same tensors therefore give the same fingerprint as safetensors, as PyTorch {@code .bin} or split into
 * shards. Hashing a large model takes seconds, so {@link #of(ModelFolder)} remembers results per set of input
 * files (path, size, modification time) in {@value FingerprintCache#FILE_NAME} in the user's cache folder.
 */
public final class Fingerprint {

    private static final Logger LOGGER = LoggerFactory.getLogger(Fingerprint.class);
    /** Bytes hashed per read: large enough to keep SHA-256 busy, small enough never to matter for heap. */
    private static final int CHUNK_BYTES = 1 << 20;
    private static final int SHORT_LENGTH = 8;

    /** How many fingerprints were computed from tensor bytes (not taken from the cache) in this JVM. */
    static final AtomicLong COMPUTED = new AtomicLong();

    private Fingerprint() {
    }

    /** The fingerprint of a model's weights, from the cache when its input files have not changed. */
    public static String of(ModelFolder model) {
        return of(model, Progress.NONE);
    }

    /** As {@link #of(ModelFolder)}, reporting bytes hashed when it has to compute. */
    public static String of(ModelFolder model, Progress progress) {
        FingerprintCache cache = new FingerprintCache(UserDirectories.cache());
        List<FingerprintCache.FileStamp> stamps = FingerprintCache.stamps(model.inputFiles());
        if (stamps != null) {
            String cached = cache.lookup(stamps);
            if (cached != null) {
                LOGGER.debug("fingerprint of {} from the cache", model.path());
                return cached;
            }
        }
        String fingerprint = compute(model.weights(), progress);
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

    /** The fingerprint of any checkpoint, always computed from its bytes. */
    public static String compute(Checkpoint checkpoint) {
        return compute(checkpoint, Progress.NONE);
    }

    /**
     * As {@link #compute(Checkpoint)}, reporting bytes hashed; a cancel throws {@link CancellationException}.
     */
    public static String compute(Checkpoint checkpoint, Progress progress) {
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
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(t.dtype().name().getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            long[] shape = t.shape();
            sha.update(longs.putLong(0, shape.length).array());
            for (long d : shape) {
                sha.update(longs.putLong(0, d).array());
            }
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
        COMPUTED.incrementAndGet();
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The first 8 hex digits and an ellipsis, as messages show a fingerprint to people. */
    public static String abbreviate(String fingerprint) {
        if (fingerprint == null) {
            return "(none)";
        }
        return fingerprint.length() <= SHORT_LENGTH ? fingerprint : fingerprint.substring(0, SHORT_LENGTH) + "…";
    }

    /** True for 64 lowercase hex digits, the only form a fingerprint has. */
    public static boolean isWellFormed(String fingerprint) {
        if (fingerprint == null || fingerprint.length() != 64) {
            return false;
        }
        for (int i = 0; i < fingerprint.length(); i++) {
            char c = fingerprint.charAt(i);
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
