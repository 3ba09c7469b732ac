package dev.finescope.checkpoint.imports;

import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/** Writes small ONNX protobufs field by field, for tests of what real exporters rarely produce. */
final class OnnxBytes {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    static byte[] message(Consumer<OnnxBytes> body) {
        OnnxBytes m = new OnnxBytes();
        body.accept(m);
        return m.toByteArray();
    }

    byte[] toByteArray() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    OnnxBytes varint(int field, long v) {
        try {
            out.writeInt64(field, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    OnnxBytes fixed32(int field, int bits) {
        try {
            out.writeFixed32(field, bits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    OnnxBytes bytes(int field, byte[] b) {
        try {
            out.writeByteArray(field, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    OnnxBytes string(int field, String s) {
        try {
            out.writeString(field, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    OnnxBytes message(int field, Consumer<OnnxBytes> body) {
        return bytes(field, message(body));
    }

    // ---- ONNX shapes of messages

    /** A model whose graph body is {@code graph}. */
    static byte[] model(Consumer<OnnxBytes> graph) {
        return message(m -> m.varint(1, 8).string(2, "test").message(8, o -> o.varint(2, 11)).message(7, graph));
    }

    /** An FLOAT initializer with raw_data. */
    static Consumer<OnnxBytes> floats(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return raw(name, dims, OnnxModel.FLOAT, b.array());
    }

    static Consumer<OnnxBytes> raw(String name, long[] dims, int dataType, byte[] data) {
        return t -> {
            for (long d : dims) {
                t.varint(1, d);
            }
            t.varint(2, dataType).string(8, name).bytes(9, data);
        };
    }

    static Consumer<OnnxBytes> node(String op, String name, String[] inputs, String[] outputs,
                                    Consumer<OnnxBytes> attributes) {
        return n -> {
            for (String i : inputs) {
                n.string(1, i);
            }
            for (String o : outputs) {
                n.string(2, o);
            }
            n.string(3, name).string(4, op);
            if (attributes != null) {
                attributes.accept(n);
            }
        };
    }

    static float[] range(int n, float scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (i + 1) * scale;
        }
        return f;
    }
}
