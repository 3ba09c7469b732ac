package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.imports.OnnxModel.OnnxAttribute;
import dev.finescope.checkpoint.imports.OnnxModel.OnnxNode;
import dev.finescope.checkpoint.imports.OnnxModel.OnnxTensor;
import dev.finescope.common.Progress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * Reads an ONNX {@code ModelProto} (onnx.proto3) with a {@link ProtoCursor}: graph, initializers and nodes.
 * The model lies in one buffer (a mapped file, a stored jar entry, an inflated one) and every {@code raw_data}
 * stays a slice of it: nothing is copied.
 */
final class OnnxReader {

    private static final String FORMAT = "ONNX";

    private final ProtoCursor cur;
    private final Progress progress;
    private final long total;
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private final List<OnnxTensor> initializers = new ArrayList<>();
    private final List<OnnxNode> nodes = new ArrayList<>();
    private long irVersion;
    private String producerName = "";
    private String producerVersion = "";
    private boolean sawGraph;

    private OnnxReader(ProtoCursor cur, long total, Progress progress) {
        this.cur = cur;
        this.total = total;
        this.progress = progress;
    }

    /** Reads a model held in a buffer; {@code file} is used in messages. */
    static OnnxModel read(ByteBuffer model, Path file, Progress progress) {
        return new OnnxReader(ProtoCursor.over(model, file, FORMAT), model.remaining(), progress).readModel();
    }

    private OnnxModel readModel() {
        int tag;
        while ((tag = cur.nextTag()) != 0) {
            switch (ProtoCursor.field(tag)) {
                case 1 -> irVersion = cur.varint(tag, "ir_version");
                case 2 -> producerName = cur.string(tag, "producer_name");
                case 3 -> producerVersion = cur.string(tag, "producer_version");
                case 7 -> readGraph(tag);
                case 8 -> readOpset(tag);
                default -> cur.skip(tag);
            }
        }
        if (!sawGraph) {
            throw cur.error("no graph in the model (is this an ONNX file?)");
        }
        return new OnnxModel(irVersion, producerName, producerVersion, Collections.unmodifiableMap(opsets),
                List.copyOf(initializers), List.copyOf(nodes));
    }

    private void readOpset(int tag) {
        int token = cur.enter(tag, "opset_import");
        String domain = "";
        long version = 0;
        int t;
        while ((t = cur.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> domain = cur.string(t, "opset_import.domain");
                case 2 -> version = cur.varint(t, "opset_import.version");
                default -> cur.skip(t);
            }
        }
        cur.leave(token);
        opsets.put(domain, version);
    }

    private void readGraph(int tag) {
        int token = cur.enter(tag, "graph");
        sawGraph = true;
        int t;
        while ((t = cur.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> nodes.add(readNode(t));
                case 5 -> {
                    initializers.add(readTensor(t, "initializer"));
                    report();
                }
                default -> cur.skip(t);
            }
        }
        cur.leave(token);
    }

    private void report() {
        if (progress.isCancelled()) {
            throw new CancellationException("import cancelled");
        }
        progress.update(cur.position(), total, "reading ONNX initializers");
    }

    private OnnxNode readNode(int tag) {
        int token = cur.enter(tag, "node");
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxAttribute> attributes = new LinkedHashMap<>();
        String name = "";
        String opType = "";
        String domain = "";
        int t;
        while ((t = cur.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> inputs.add(cur.string(t, "node.input"));
                case 2 -> outputs.add(cur.string(t, "node.output"));
                case 3 -> name = cur.string(t, "node.name");
                case 4 -> opType = cur.string(t, "node.op_type");
                case 5 -> {
                    OnnxAttribute a = readAttribute(t);
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = cur.string(t, "node.domain");
                default -> cur.skip(t);
            }
        }
        cur.leave(token);
        return new OnnxNode(name, opType, domain, List.copyOf(inputs), List.copyOf(outputs),
                Collections.unmodifiableMap(attributes));
    }

    private OnnxAttribute readAttribute(int tag) {
        int token = cur.enter(tag, "attribute");
        String name = "";
        Float f = null;
        Long i = null;
        OnnxTensor tensor = null;
        ProtoCursor.IntList floats = new ProtoCursor.IntList();
        ProtoCursor.LongList ints = new ProtoCursor.LongList();
        int t;
        while ((t = cur.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> name = cur.string(t, "attribute.name");
                case 2 -> f = Float.intBitsToFloat(cur.fixed32(t, "attribute.f"));
                case 3 -> i = cur.varint(t, "attribute.i");
                case 5 -> tensor = readTensor(t, "attribute tensor");
                case 7 -> cur.fixed32s(t, floats, "attribute.floats");
                case 8 -> cur.varints(t, ints, "attribute.ints");
                default -> cur.skip(t);
            }
        }
        cur.leave(token);
        float[] fl = new float[floats.size()];
        for (int k = 0; k < fl.length; k++) {
            fl[k] = Float.intBitsToFloat(floats.get(k));
        }
        return new OnnxAttribute(name, f, i, tensor, fl, ints.toArray());
    }

    private OnnxTensor readTensor(int tag, String what) {
        long start = cur.position();
        int token = cur.enter(tag, what);
        ProtoCursor.LongList dims = new ProtoCursor.LongList();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        ProtoCursor.IntList fixed32 = new ProtoCursor.IntList();
        ProtoCursor.LongList varints = new ProtoCursor.LongList();
        ProtoCursor.LongList int64s = new ProtoCursor.LongList();
        ProtoCursor.LongList fixed64 = new ProtoCursor.LongList();
        boolean external = false;
        int t;
        while ((t = cur.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> cur.varints(t, dims, "dims");
                case 2 -> dataType = (int) cur.varint(t, "data_type");
                case 4 -> cur.fixed32s(t, fixed32, "float_data");
                case 5 -> cur.varints(t, varints, "int32_data");
                case 7 -> cur.varints(t, int64s, "int64_data");
                case 8 -> name = cur.string(t, "name");
                case 9 -> raw = cur.bytes(t, "raw_data");
                case 10 -> cur.fixed64s(t, fixed64, "double_data");
                case 11 -> cur.varints(t, int64s, "uint64_data");
                case 13 -> {
                    external = true;
                    cur.skip(t);
                }
                case 14 -> external |= cur.varint(t, "data_location") == 1;
                default -> cur.skip(t);
            }
        }
        cur.leave(token);
        String label = what + " " + ImportProblems.quote(name);
        if (external) {
            throw cur.error(label + " keeps its data in an external file: external data is not supported"
                    + " (save the model with its weights inside the .onnx)");
        }
        long[] shape = dims.toArray();
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw cur.error(label + " has a negative dimension " + d + " (at byte " + start + ")");
            }
            numel = d == 0 ? 0 : (numel > Long.MAX_VALUE / d ? -1 : numel * d);
            if (numel < 0) {
                throw cur.error(label + " has too many elements (at byte " + start + ")");
            }
        }
        int size = OnnxModel.elementSize(dataType);
        if (size == 0) {
            // strings and unknown types carry no weights: keep the name and shape only
            return new OnnxTensor(name, shape, dataType, ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN));
        }
        ByteBuffer data = raw != null ? raw : typedData(label, dataType, size, numel, fixed32, varints, int64s,
                fixed64);
        if (data.remaining() != numel * size) {
            throw cur.error(label + " of shape " + java.util.Arrays.toString(shape) + " and type "
                    + OnnxModel.typeName(dataType) + " needs " + numel * size + " bytes of data but has "
                    + data.remaining());
        }
        return new OnnxTensor(name, shape, dataType, data);
    }

    /** Turns the typed repeated fields into little-endian element bytes of {@code dataType}. */
    private ByteBuffer typedData(String label, int dataType, int size, long numel, ProtoCursor.IntList fixed32,
                                 ProtoCursor.LongList varints, ProtoCursor.LongList int64s,
                                 ProtoCursor.LongList fixed64) {
        int n = switch (dataType) {
            case OnnxModel.FLOAT -> fixed32.size();
            case OnnxModel.INT64, OnnxModel.UINT64, OnnxModel.UINT32 -> int64s.size();
            case OnnxModel.DOUBLE -> fixed64.size();
            default -> varints.size();
        };
        if (n != numel) {
            throw cur.error(label + " has " + n + " typed data elements for " + numel + " elements of type "
                    + OnnxModel.typeName(dataType));
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(n, size)).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < n; k++) {
            switch (dataType) {
                case OnnxModel.FLOAT -> b.putInt(fixed32.get(k));
                case OnnxModel.DOUBLE -> b.putLong(fixed64.get(k));
                case OnnxModel.INT64, OnnxModel.UINT64 -> b.putLong(int64s.get(k));
                case OnnxModel.UINT32 -> b.putInt((int) int64s.get(k));
                case OnnxModel.INT32 -> b.putInt((int) varints.get(k));
                case OnnxModel.INT16, OnnxModel.UINT16, OnnxModel.FLOAT16, OnnxModel.BFLOAT16 ->
                        b.putShort((short) varints.get(k));
                default -> b.put((byte) varints.get(k));
            }
        }
        b.flip();
        return b;
    }
}
