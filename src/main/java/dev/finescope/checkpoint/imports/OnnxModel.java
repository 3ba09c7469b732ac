package dev.finescope.checkpoint.imports;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} an importer needs: the initializers (the weights) and the nodes (to
 * name the anonymous ones and to infer the configuration). Value infos, doc strings and sub-graphs are skipped.
 */
record OnnxModel(
        long irVersion,
        String producerName,
        String producerVersion,
        Map<String, Long> opsets,
        List<OnnxTensor> initializers,
        List<OnnxNode> nodes) {

    /** ONNX {@code TensorProto.DataType} numbers FineScope reads. */
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int UINT16 = 4;
    static final int INT16 = 5;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int UINT32 = 12;
    static final int UINT64 = 13;
    static final int BFLOAT16 = 16;

    /** Bytes per element of an ONNX data type, or 0 for types FineScope does not read. */
    static int elementSize(int dataType) {
        return switch (dataType) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
            case FLOAT, INT32, UINT32 -> 4;
            case INT64, DOUBLE, UINT64 -> 8;
            default -> 0;
        };
    }

    static String typeName(int dataType) {
        return switch (dataType) {
            case FLOAT -> "FLOAT";
            case UINT8 -> "UINT8";
            case INT8 -> "INT8";
            case UINT16 -> "UINT16";
            case INT16 -> "INT16";
            case INT32 -> "INT32";
            case INT64 -> "INT64";
            case STRING -> "STRING";
            case BOOL -> "BOOL";
            case FLOAT16 -> "FLOAT16";
            case DOUBLE -> "DOUBLE";
            case UINT32 -> "UINT32";
            case UINT64 -> "UINT64";
            case BFLOAT16 -> "BFLOAT16";
            default -> "type " + dataType;
        };
    }

    /**
     * A {@code TensorProto} with its elements as little-endian bytes of its own data type, whichever field
     * ({@code raw_data} or a typed one) held them.
     */
    record OnnxTensor(String name, long[] dims, int dataType, ByteBuffer data) {

        long numel() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** Element {@code i} as a double, for small constants (shapes, epsilons, scales). */
        double get(long i) {
            int p = Math.toIntExact(i * elementSize(dataType));
            return switch (dataType) {
                case FLOAT -> data.getFloat(p);
                case DOUBLE -> data.getDouble(p);
                case FLOAT16 -> dev.finescope.checkpoint.DType.halfToFloat(data.getShort(p));
                case BFLOAT16 -> Float.intBitsToFloat((data.getShort(p) & 0xffff) << 16);
                case INT8 -> data.get(p);
                case UINT8, BOOL -> data.get(p) & 0xff;
                case INT16 -> data.getShort(p);
                case UINT16 -> data.getShort(p) & 0xffff;
                case INT32 -> data.getInt(p);
                case UINT32 -> data.getInt(p) & 0xffffffffL;
                case INT64, UINT64 -> data.getLong(p);
                default -> throw new IllegalStateException("no elements of " + typeName(dataType));
            };
        }

        boolean isFloating() {
            return dataType == FLOAT || dataType == FLOAT16 || dataType == BFLOAT16 || dataType == DOUBLE;
        }
    }

    /** A node with its attributes by name. */
    record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                    Map<String, OnnxAttribute> attributes) {

        String input(int i) {
            return i < inputs.size() ? inputs.get(i) : "";
        }

        String output(int i) {
            return i < outputs.size() ? outputs.get(i) : "";
        }

        OnnxAttribute attribute(String attributeName) {
            return attributes.get(attributeName);
        }
    }

    /** The attribute kinds FineScope reads: one float, one integer, one tensor, or lists of these. */
    record OnnxAttribute(String name, Float f, Long i, OnnxTensor t, float[] floats, long[] ints) {
    }
}
