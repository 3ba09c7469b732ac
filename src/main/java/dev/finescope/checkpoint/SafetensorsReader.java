package dev.finescope.checkpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one safetensors file the way FineScope needs it: opening parses and checks the header only, so a model
 * of any size opens at once, and each tensor is memory-mapped on its first read, so reading costs neither heap
 * nor copies. Every way a header can be wrong (truncated, malformed, lying about sizes or offsets) is caught at
 * opening and reported as a {@link CheckpointException} naming the file, because a parser that lets a bad file
 * through fails later in a place where nobody can tell why. The file stays open, read-only, until
 * {@link #close()}; reads never share position state, so analysis may read tensors from many threads.
 */
public final class SafetensorsReader implements Checkpoint {

    /** The safetensors format refuses headers above 100 MB; so do we, before allocating anything. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    static final String METADATA_KEY = "__metadata__";

    private static final Logger LOGGER = LoggerFactory.getLogger(SafetensorsReader.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final int MAX_NAME_IN_MESSAGE = 120;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, MappedTensor> tensors;
    private final List<String> names;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsReader(Path file, FileChannel channel, Map<String, MappedTensor> tensors,
            Map<String, String> metadata, long dataStart) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
        this.names = List.copyOf(tensors.keySet());
        this.metadata = Collections.unmodifiableMap(metadata);
        this.dataStart = dataStart;
    }

    /** Opens {@code file}, reading and validating its header; tensor data is not touched. */
    public static SafetensorsReader open(Path file) {
        return open(file, MappedTensor.DEFAULT_STRIDE);
    }

    /** As {@link #open(Path)}, with the mapping-window stride of large tensors chosen by tests. */
    static SafetensorsReader open(Path file, long windowStride) {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a folder, not a safetensors file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be opened: " + e.getMessage(), e);
        }
        try {
            SafetensorsReader reader = readHeader(file, channel, windowStride);
            LOGGER.debug("opened {}: {} tensors", file, reader.tensors.size());
            return reader;
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static SafetensorsReader readHeader(Path file, FileChannel channel, long windowStride)
            throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new CheckpointException(file, "is too short for a safetensors file (" + size
                    + " bytes; the header length alone takes 8)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0, file);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointException(file, "header length " + Long.toUnsignedString(headerLength)
                    + " is over the 100 MB limit of safetensors; this is not a safetensors file or it is corrupt");
        }
        if (headerLength > size - 8) {
            throw new CheckpointException(file, "header length " + headerLength
                    + " goes past the end of the file (" + size + " bytes); the file is truncated or not safetensors");
        }
        if (headerLength == 0) {
            throw new CheckpointException(file, "bad header JSON: the header is empty");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        readFully(channel, header, 8, file);
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, MappedTensor> tensors = new LinkedHashMap<>();
        Map<String, long[]> ranges = new LinkedHashMap<>();
        boolean sawMetadata = false;
        try (JsonParser parser = JSON.createParser(header.array())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new CheckpointException(file, "bad header JSON: the header is not a JSON object");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                JsonNode entry;
                try {
                    entry = parser.readValueAsTree();
                } catch (JsonProcessingException e) {
                    throw badJson(file, e, "in the entry of " + quote(name));
                }
                if (entry == null) {
                    throw new CheckpointException(file, "bad header JSON: the header ends inside the entry of "
                            + quote(name));
                }
                if (METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw new CheckpointException(file, "bad header JSON: " + METADATA_KEY + " appears twice");
                    }
                    sawMetadata = true;
                    readMetadata(file, entry, metadata);
                    continue;
                }
                if (tensors.containsKey(name)) {
                    throw new CheckpointException(file, "tensor " + quote(name) + " appears twice in the header");
                }
                TensorEntry t = parseEntry(file, name, entry, dataLength);
                tensors.put(name, new MappedTensor(file, channel, name, t.dtype, t.shape, dataStart + t.begin,
                        windowStride));
                ranges.put(name, new long[] {t.begin, t.end});
            }
            if (token != JsonToken.END_OBJECT) {
                throw new CheckpointException(file, "bad header JSON: expected a tensor name, found " + token);
            }
            if (parser.nextToken() != null) {
                throw new CheckpointException(file, "bad header JSON: unexpected content after the header object");
            }
        } catch (JsonProcessingException e) {
            throw badJson(file, e, null);
        }
        checkOverlaps(file, ranges);
        return new SafetensorsReader(file, channel, tensors, metadata, dataStart);
    }

    private record TensorEntry(DType dtype, long[] shape, long begin, long end) {
    }

    private static TensorEntry parseEntry(Path file, String name, JsonNode entry, long dataLength) {
        String q = quote(name);
        if (!entry.isObject()) {
            throw new CheckpointException(file, "entry " + q + " is not a JSON object but " + brief(entry));
        }
        JsonNode dtypeNode = entry.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new CheckpointException(file, "tensor " + q + " has no dtype string");
        }
        DType dtype = DType.fromSafetensorsName(dtypeNode.textValue());
        if (dtype == null) {
            throw new CheckpointException(file, "tensor " + q + " has unknown dtype " + quote(dtypeNode.textValue())
                    + " (FineScope reads " + Arrays.toString(DType.values()) + ")");
        }
        JsonNode shapeNode = entry.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(file, "tensor " + q + " has no shape array");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new CheckpointException(file, "tensor " + q + " has a bad shape " + brief(shapeNode)
                        + ": dimensions must be non-negative integers");
            }
            shape[i] = d.longValue();
        }
        long byteSize;
        try {
            long numel = 1;
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            byteSize = Math.multiplyExact(numel, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, "tensor " + q + " has a shape too large to exist: "
                    + Tensor.shapeString(shape));
        }
        JsonNode offsets = entry.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isNonNegativeLong(offsets.get(0)) || !isNonNegativeLong(offsets.get(1))) {
            throw new CheckpointException(file, "tensor " + q + " has bad data_offsets "
                    + (offsets == null ? "(none)" : brief(offsets)) + ": expected two non-negative integers");
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin > end) {
            throw new CheckpointException(file, "tensor " + q + " has data_offsets [" + begin + ", " + end
                    + "] that begin after they end");
        }
        if (end > dataLength) {
            throw new CheckpointException(file, "tensor " + q + " has data_offsets [" + begin + ", " + end
                    + "] past the end of the data (" + dataLength + " bytes); the file is truncated or corrupt");
        }
        if (end - begin != byteSize) {
            throw new CheckpointException(file, "tensor " + q + " has " + (end - begin) + " bytes of data but "
                    + dtype + Tensor.shapeString(shape) + " needs " + byteSize);
        }
        return new TensorEntry(dtype, shape, begin, end);
    }

    private static boolean isNonNegativeLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into) {
        if (node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new CheckpointException(file, "bad header JSON: " + METADATA_KEY + " is not an object but "
                    + brief(node));
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!field.getValue().isTextual()) {
                throw new CheckpointException(file, "bad header JSON: " + METADATA_KEY + " value of "
                        + quote(field.getKey()) + " is not a string but " + brief(field.getValue()));
            }
            into.put(field.getKey(), field.getValue().textValue());
        }
    }

    private static void checkOverlaps(Path file, Map<String, long[]> ranges) {
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>();
        for (var e : ranges.entrySet()) {
            if (e.getValue()[1] > e.getValue()[0]) {
                sorted.add(e);
            }
        }
        sorted.sort(Comparator.comparingLong(e -> e.getValue()[0]));
        for (int i = 1; i < sorted.size(); i++) {
            var prev = sorted.get(i - 1);
            var next = sorted.get(i);
            if (next.getValue()[0] < prev.getValue()[1]) {
                throw new CheckpointException(file, "tensors " + quote(prev.getKey()) + " " + range(prev.getValue())
                        + " and " + quote(next.getKey()) + " " + range(next.getValue()) + " overlap");
            }
        }
    }

    private static String range(long[] r) {
        return "[" + r[0] + ", " + r[1] + ")";
    }

    private static CheckpointException badJson(Path file, JsonProcessingException e, String where) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        message = oneLine(message);
        JsonLocation location = e.getLocation();
        String at = location == null || location.getByteOffset() < 0 ? ""
                : " (at byte " + (8 + location.getByteOffset()) + ")";
        return new CheckpointException(file, "bad header JSON" + (where == null ? "" : " " + where) + ": "
                + message + at, e);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position, Path file)
            throws IOException {
        long pos = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, pos);
            if (n < 0) {
                throw new CheckpointException(file, "ends unexpectedly at byte " + pos);
            }
            pos += n;
        }
    }

    /** A tensor name or value quoted for a one-line message: control characters escaped, long ones cut. */
    static String quote(String s) {
        return "'" + oneLine(s) + "'";
    }

    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX_NAME_IN_MESSAGE; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX_NAME_IN_MESSAGE && s.length() > MAX_NAME_IN_MESSAGE) {
            b.append('…');
        }
        return b.toString();
    }

    private static String brief(JsonNode node) {
        return oneLine(node.toString());
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOGGER.debug("closing after a failed open", e);
        }
    }

    /** Byte offset of the first data byte: 8 plus the header length. */
    public long dataStart() {
        return dataStart;
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
        MappedTensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(file, "has no tensor " + quote(name));
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOGGER.warn("closing {} failed", file, e);
        }
    }

    @Override
    public String toString() {
        return "safetensors " + file;
    }
}
