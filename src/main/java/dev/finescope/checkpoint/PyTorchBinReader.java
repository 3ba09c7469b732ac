package dev.finescope.checkpoint;

import dev.finescope.checkpoint.TorchPickle.PyDict;
import dev.finescope.checkpoint.TorchPickle.StorageRef;
import dev.finescope.checkpoint.TorchPickle.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.archivers.zip.ZipMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code pytorch_model.bin} as {@code torch.save} writes it since PyTorch 1.6: a zip archive holding the
 * pickled state dict ({@code <archive>/data.pkl}) and one entry per storage ({@code <archive>/data/<key>}).
 * Most published BERT checkpoints exist only in this form, and loading them through Python's pickle would run
 * whatever the file asks for; here the pickle is read by {@link TorchPickle}, which builds inert descriptions
 * of the tensors and refuses anything else. Tensor data stays in the file: an uncompressed storage entry (what
 * {@code torch.save} writes) is memory-mapped on its first read, a compressed one (a re-zipped file) is inflated
 * into memory on its first read.
 */
public final class PyTorchBinReader {

    private static final Logger LOGGER = LoggerFactory.getLogger(PyTorchBinReader.class);

    /** The largest {@code data.pkl} read; a large language model's is well under a megabyte. */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    /** The largest compressed storage inflated into memory, whatever the heap. */
    static final long MAX_INFLATED_BYTES = 512L << 20;
    /** The deepest nesting of dicts whose tensors are collected (a training checkpoint nests the model in one). */
    static final int MAX_NESTING = 32;

    private static final int MAX_SMALL_ENTRY_BYTES = 64;

    private PyTorchBinReader() {
    }

    /** Opens {@code binFile}, reading its directory and pickle only; tensor data is read on demand. */
    public static Checkpoint open(Path binFile) {
        return open(binFile, Integer.MAX_VALUE);
    }

    /**
     * As {@link #open(Path)}; a stored storage entry of at most {@code wholeMapLimit} bytes is mapped whole on its
     * first read, a larger one (a single buffer holds at most 2 GiB) is mapped range by range as it is read.
     */
    static Checkpoint open(Path binFile, long wholeMapLimit) {
        FileChannel channel = openChannel(binFile);
        ZipFile zip = null;
        try {
            long fileSize = channel.size();
            checkHead(binFile, channel, fileSize);
            zip = openZip(binFile);
            BinCheckpoint checkpoint = read(binFile, channel, fileSize, zip, wholeMapLimit);
            LOGGER.debug("{}: {} tensors in {} storages", binFile, checkpoint.names.size(),
                    checkpoint.storageCount);
            return checkpoint;
        } catch (IOException e) {
            closeQuietly(binFile, channel, zip);
            throw new CheckpointException(binFile, "cannot be read: " + oneLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            closeQuietly(binFile, channel, zip);
            throw e;
        }
    }

    private static FileChannel openChannel(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, Files.exists(file) ? "is not a file" : "no such file");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be opened: " + oneLine(e.getMessage()), e);
        }
    }

    private static void checkHead(Path file, FileChannel channel, long fileSize) throws IOException {
        if (fileSize == 0) {
            throw new CheckpointException(file, "is empty");
        }
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(32, fileSize));
        while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
            // reads the first bytes whole
        }
        byte[] bytes = new byte[head.position()];
        head.flip().get(bytes);
        if (TorchPickle.isLegacyFormat(bytes)) {
            throw new CheckpointException(file, "this is PyTorch's legacy (pre-1.6) format; re-save it with a newer "
                    + "PyTorch (torch.save(torch.load(f), f))");
        }
        if ((bytes[0] & 0xff) == 0x80) {
            throw new CheckpointException(file, "is a bare pickle, not the zip archive torch.save writes; re-save it "
                    + "with a newer PyTorch (torch.save(torch.load(f), f))");
        }
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw new CheckpointException(file, "is not a PyTorch checkpoint: torch.save writes a zip archive, and "
                    + "this file does not start like one");
        }
    }

    private static ZipFile openZip(Path file) {
        try {
            return ZipFile.builder().setPath(file).get();
        } catch (IOException | RuntimeException e) {
            // commons-compress reports some damage as unchecked exceptions; all of it means the same to a user
            throw new CheckpointException(file, "is not a complete zip archive (truncated or damaged: "
                    + oneLine(e.getMessage()) + ")", e);
        }
    }

    private static BinCheckpoint read(Path file, FileChannel channel, long fileSize, ZipFile zip,
            long wholeMapLimit) {
        ZipArchiveEntry pickleEntry = findPickle(file, zip);
        String prefix = pickleEntry.getName().substring(0, pickleEntry.getName().length() - "data.pkl".length());
        checkByteOrder(file, zip, prefix);
        ZipArchiveEntry versionEntry = zip.getEntry(prefix + "version");
        if (versionEntry != null) {
            LOGGER.debug("{}: serialization version {}", file,
                    new String(readSmall(file, zip, versionEntry, MAX_SMALL_ENTRY_BYTES), StandardCharsets.UTF_8)
                            .trim());
        }
        byte[] pickle = readSmall(file, zip, pickleEntry, MAX_PICKLE_BYTES);
        Map<String, TensorRef> refs = stateDict(file, TorchPickle.load(file, pickleEntry.getName(), pickle));
        return new BinCheckpoint(file, channel, fileSize, zip, prefix, refs, wholeMapLimit);
    }

    private static ZipArchiveEntry findPickle(Path file, ZipFile zip) {
        ZipArchiveEntry found = null;
        for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements(); ) {
            ZipArchiveEntry entry = e.nextElement();
            String name = entry.getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.equals(name.substring(0, slash) + "/data.pkl")) {
                if (found != null) {
                    throw new CheckpointException(file, "holds two pickles, " + TorchPickle.printable(found.getName())
                            + " and " + TorchPickle.printable(name) + "; torch.save writes one");
                }
                found = entry;
            }
        }
        if (found == null) {
            throw new CheckpointException(file, "has no <archive>/data.pkl entry, so it is not a zip written by "
                    + "torch.save");
        }
        return found;
    }

    private static void checkByteOrder(Path file, ZipFile zip, String prefix) {
        ZipArchiveEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry == null) {
            return; // PyTorch before 2.1 wrote none, and wrote little-endian
        }
        String order = new String(readSmall(file, zip, entry, MAX_SMALL_ENTRY_BYTES), StandardCharsets.US_ASCII)
                .trim();
        if (order.equals("big")) {
            throw new CheckpointException(file, "was saved on a big-endian machine; FineScope reads little-endian "
                    + "checkpoints only (re-save it on a little-endian machine)");
        }
        if (!order.equals("little")) {
            throw new CheckpointException(file, "entry " + TorchPickle.printable(entry.getName())
                    + " names an unknown byte order '" + TorchPickle.printable(order) + "'");
        }
    }

    /** Reads a whole entry of at most {@code cap} bytes into memory. */
    private static byte[] readSmall(Path file, ZipFile zip, ZipArchiveEntry entry, int cap) {
        String name = TorchPickle.printable(entry.getName());
        if (entry.getSize() > cap) {
            throw new CheckpointException(file, "entry " + name + " holds " + entry.getSize()
                    + " bytes, more than the " + cap + " a PyTorch state dict needs");
        }
        if (!zip.canReadEntryData(entry)) {
            throw new CheckpointException(file, "entry " + name + " is compressed with "
                    + methodName(entry) + ", which FineScope cannot read");
        }
        byte[] bytes;
        synchronized (zip) {
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readNBytes(cap + 1);
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException(file, "entry " + name + " cannot be read (damaged archive: "
                        + oneLine(e.getMessage()) + ")", e);
            }
        }
        if (bytes.length > cap) {
            throw new CheckpointException(file, "entry " + name + " holds more than the " + cap
                    + " bytes a PyTorch state dict needs");
        }
        if (entry.getSize() >= 0 && bytes.length != entry.getSize()) {
            throw new CheckpointException(file, "entry " + name + " holds " + bytes.length + " bytes, but the zip "
                    + "directory says " + entry.getSize() + " (damaged archive)");
        }
        return bytes;
    }

    // ---------------------------------------------------------------------------------------------------------
    // From the pickled value to named tensors

    /**
     * The tensors of a state dict in pickle order. Dicts nested in the top-level dict (a training checkpoint's
     * {@code {"model": {...}}}) contribute their tensors under dotted names; values that are not tensors are
     * skipped.
     */
    static Map<String, TensorRef> stateDict(Path file, Object root) {
        if (!(root instanceof PyDict dict)) {
            throw new CheckpointException(file, "holds " + TorchPickle.typeName(root)
                    + ", not a state dict (a dict of tensors)");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        collect(file, dict, "", 0, out, new IdentityHashMap<>());
        if (out.isEmpty()) {
            throw new CheckpointException(file, "holds a dict without tensors, not a state dict");
        }
        return out;
    }

    private static void collect(Path file, PyDict dict, String prefix, int depth, Map<String, TensorRef> out,
            IdentityHashMap<PyDict, Boolean> seen) {
        if (depth > MAX_NESTING) {
            throw new CheckpointException(file, "holds dicts nested more than " + MAX_NESTING + " deep");
        }
        if (seen.put(dict, Boolean.TRUE) != null) {
            throw new CheckpointException(file, "holds a dict that appears twice"
                    + (prefix.isEmpty() ? "" : " (at " + TorchPickle.printable(prefix.substring(0, prefix.length() - 1))
                    + ")"));
        }
        for (Map.Entry<Object, Object> e : dict.items.entrySet()) {
            String name = prefix + keyName(e.getKey());
            Object value = e.getValue();
            if (value instanceof TensorRef t) {
                if (out.put(name, t) != null) {
                    throw new CheckpointException(file, "holds two tensors named " + TorchPickle.printable(name));
                }
            } else if (value instanceof PyDict inner) {
                collect(file, inner, name + ".", depth + 1, out, seen);
            } else {
                LOGGER.debug("{}: skipping {}, which holds {}", file, name, TorchPickle.typeName(value));
            }
        }
    }

    private static String keyName(Object key) {
        if (key == null) {
            return "None";
        }
        if (key instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return key.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The open checkpoint

    private static final class BinCheckpoint implements Checkpoint {
        private final Path file;
        private final FileChannel channel;
        private final ZipFile zip;
        private final List<String> names;
        private final Map<String, BinTensor> tensors = new HashMap<>();
        private final int storageCount;
        private final long wholeMapLimit;
        private volatile boolean closed;

        BinCheckpoint(Path file, FileChannel channel, long fileSize, ZipFile zip, String prefix,
                Map<String, TensorRef> refs, long wholeMapLimit) {
            this.file = file;
            this.wholeMapLimit = Math.min(wholeMapLimit, Integer.MAX_VALUE);
            this.channel = channel;
            this.zip = zip;
            Map<String, Storage> storages = new HashMap<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                String name = e.getKey();
                TensorRef ref = e.getValue();
                Storage storage = storages.get(ref.storage().key());
                if (storage == null) {
                    storage = makeStorage(fileSize, prefix, ref.storage(), name);
                    storages.put(ref.storage().key(), storage);
                }
                tensors.put(name, makeTensor(name, ref, storage));
            }
            this.names = Collections.unmodifiableList(new ArrayList<>(refs.keySet()));
            this.storageCount = storages.size();
        }

        private Storage makeStorage(long fileSize, String prefix, StorageRef ref, String tensorName) {
            String entryName = prefix + "data/" + ref.key();
            String shown = TorchPickle.printable(entryName);
            ZipArchiveEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new CheckpointException(file, "has no storage entry " + shown + " (needed by tensor "
                        + TorchPickle.printable(tensorName) + ")");
            }
            long size = entry.getSize();
            if (size < 0) {
                throw new CheckpointException(file, "storage entry " + shown + " has no size in the zip directory");
            }
            int method = entry.getMethod();
            if (method == ZipMethod.STORED.getCode()) {
                long offset = entry.getDataOffset();
                if (offset < 0 || entry.getCompressedSize() != size || offset > fileSize - size) {
                    throw new CheckpointException(file, "storage entry " + shown + " lies outside the file "
                            + "(truncated or damaged archive)");
                }
                return new Storage(entryName, size, entry, offset);
            }
            if (method == ZipMethod.DEFLATED.getCode()) {
                long cap = inflateCap();
                if (size > cap) {
                    throw new CheckpointException(file, "storage entry " + shown + " is compressed and holds " + size
                            + " bytes, more than FineScope inflates into memory (" + cap + "); "
                            + "unzip it and zip it again without compression (zip -0), as torch.save writes it");
                }
                return new Storage(entryName, size, entry, -1);
            }
            throw new CheckpointException(file, "storage entry " + shown + " is compressed with " + methodName(entry)
                    + ", which FineScope cannot read");
        }

        private BinTensor makeTensor(String name, TensorRef ref, Storage storage) {
            String shown = TorchPickle.printable(name);
            long[] shape = ref.shape();
            long[] stride = ref.stride();
            DType dtype = ref.dtype();
            long numel = 1;
            try {
                for (long d : shape) {
                    if (d < 0) {
                        throw new CheckpointException(file, "tensor " + shown + " has a negative size in its shape "
                                + Tensor.shapeString(shape));
                    }
                    numel = Math.multiplyExact(numel, d);
                }
                if (ref.offset() < 0) {
                    throw new CheckpointException(file, "tensor " + shown + " starts at a negative storage offset");
                }
                if (numel > 0) {
                    long expected = 1;
                    for (int i = shape.length - 1; i >= 0; i--) {
                        if (shape[i] != 1 && stride[i] != expected) {
                            throw new CheckpointException(file, "tensor " + shown + " is not stored in row-major "
                                    + "order (shape " + Tensor.shapeString(shape) + ", strides "
                                    + Tensor.shapeString(stride) + "); save it after .contiguous()");
                        }
                        expected = Math.multiplyExact(expected, shape[i]);
                    }
                }
                long byteOffset = Math.multiplyExact(ref.offset(), (long) dtype.byteSize());
                long byteEnd = Math.addExact(byteOffset, Math.multiplyExact(numel, (long) dtype.byteSize()));
                long declared = Math.multiplyExact(ref.storage().numel(), (long) ref.storage().dtype().byteSize());
                if (numel > 0 && (byteEnd > storage.byteSize || byteEnd > declared)) {
                    throw new CheckpointException(file, "tensor " + shown + " (shape " + Tensor.shapeString(shape)
                            + ", offset " + ref.offset() + ") reaches past the end of its storage "
                            + TorchPickle.printable(storage.entryName) + " (" + storage.byteSize + " bytes)");
                }
                return new BinTensor(name, dtype, shape.clone(), numel, storage, byteOffset);
            } catch (ArithmeticException e) {
                throw new CheckpointException(file, "tensor " + shown + " has a shape or offset too large to "
                        + "address (shape " + Tensor.shapeString(shape) + ", offset " + ref.offset() + ")");
            }
        }

        @Override
        public Path source() {
            return file;
        }

        @Override
        public List<String> tensorNames() {
            return names;
        }

        @Override
        public boolean contains(String name) {
            return tensors.containsKey(name);
        }

        @Override
        public Tensor tensor(String name) {
            BinTensor t = tensors.get(name);
            if (t == null) {
                throw new CheckpointException(file, "has no tensor named " + name);
            }
            return t;
        }

        @Override
        public Map<String, String> metadata() {
            return Map.of();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (BinTensor t : tensors.values()) {
                t.storage.release();
            }
            closeQuietly(file, channel, zip);
        }

        @Override
        public String toString() {
            return "PyTorch checkpoint " + file + " (" + names.size() + " tensors)";
        }

        /** One storage entry, read on first use and shared by every tensor that views it. */
        private final class Storage {
            final String entryName;
            final long byteSize;
            final ZipArchiveEntry entry;
            /** Where the bytes of a stored entry start in the file; -1 for a compressed entry. */
            final long dataOffset;
            private volatile ByteBuffer whole;

            Storage(String entryName, long byteSize, ZipArchiveEntry entry, long dataOffset) {
                this.entryName = entryName;
                this.byteSize = byteSize;
                this.entry = entry;
                this.dataOffset = dataOffset;
            }

            ByteBuffer slice(long byteOffset, int byteLength) {
                if (dataOffset >= 0 && byteSize > wholeMapLimit) {
                    return map(dataOffset + byteOffset, byteLength);
                }
                ByteBuffer b = whole;
                if (b == null) {
                    synchronized (this) {
                        b = whole;
                        if (b == null) {
                            checkOpen();
                            b = dataOffset >= 0 ? map(dataOffset, byteSize) : inflate();
                            whole = b;
                        }
                    }
                }
                return b.slice((int) byteOffset, byteLength);
            }

            private ByteBuffer map(long position, long length) {
                try {
                    return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
                } catch (IOException e) {
                    checkOpen();
                    throw new CheckpointException(file, "cannot map storage entry "
                            + TorchPickle.printable(entryName) + ": " + oneLine(e.getMessage()), e);
                }
            }

            private ByteBuffer inflate() {
                // grown as data arrives, so that a size the directory lies about costs no more than the data
                byte[] bytes = new byte[(int) Math.min(byteSize, 1 << 20)];
                int read = 0;
                int extra;
                synchronized (zip) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        while (true) {
                            int n = in.readNBytes(bytes, read, bytes.length - read);
                            read += n;
                            if (read < bytes.length || bytes.length == byteSize) {
                                break;
                            }
                            bytes = Arrays.copyOf(bytes, (int) Math.min(byteSize, 2L * bytes.length));
                        }
                        extra = in.read();
                    } catch (IOException | RuntimeException e) {
                        throw new CheckpointException(file, "storage entry " + TorchPickle.printable(entryName)
                                + " cannot be inflated (damaged archive: " + oneLine(e.getMessage()) + ")", e);
                    }
                }
                if (read != byteSize || extra != -1) {
                    throw new CheckpointException(file, "storage entry " + TorchPickle.printable(entryName)
                            + " does not inflate to the " + byteSize + " bytes the zip directory says");
                }
                return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
            }

            void release() {
                whole = null;
            }
        }

        private void checkOpen() {
            if (closed) {
                throw new CheckpointException(file, "is closed");
            }
        }

        /** A tensor that reads its elements straight from its storage. */
        private final class BinTensor implements Tensor {
            private final String name;
            private final DType dtype;
            private final long[] shape;
            private final long numel;
            private final Storage storage;
            private final long byteOffset;

            BinTensor(String name, DType dtype, long[] shape, long numel, Storage storage, long byteOffset) {
                this.name = name;
                this.dtype = dtype;
                this.shape = shape;
                this.numel = numel;
                this.storage = storage;
                this.byteOffset = byteOffset;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public DType dtype() {
                return dtype;
            }

            @Override
            public long[] shape() {
                return shape.clone();
            }

            @Override
            public long numel() {
                return numel;
            }

            @Override
            public ByteBuffer bytes(long from, int count) {
                if (from < 0 || count < 0 || from > numel - count) {
                    throw new IndexOutOfBoundsException("elements [" + from + ", " + from + " + " + count
                            + ") of " + name + ", which has " + numel);
                }
                long length = (long) count * dtype.byteSize();
                if (length > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(count + " elements of " + name + " are more than one "
                            + "buffer holds; read them in chunks");
                }
                checkOpen();
                return storage.slice(byteOffset + from * dtype.byteSize(), (int) length)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }

            @Override
            public String toString() {
                return name + " " + dtype + " " + Tensor.shapeString(shape);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Compressed storages are inflated on the heap: at most a quarter of it, and at most {@link #MAX_INFLATED_BYTES}. */
    static long inflateCap() {
        return Math.min(MAX_INFLATED_BYTES, Runtime.getRuntime().maxMemory() / 4);
    }

    private static String methodName(ZipArchiveEntry entry) {
        ZipMethod m = ZipMethod.getMethodByCode(entry.getMethod());
        return m == null ? "zip method " + entry.getMethod() : m.name();
    }

    private static String oneLine(String message) {
        return message == null ? "no details" : message.replaceAll("\\s+", " ").trim();
    }

    private static void closeQuietly(Path file, FileChannel channel, ZipFile zip) {
        try {
            if (zip != null) {
                zip.close();
            }
        } catch (IOException e) {
            LOGGER.warn("{}: closing the archive failed: {}", file, e.getMessage());
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOGGER.warn("{}: closing the file failed: {}", file, e.getMessage());
        }
    }
}
