package dev.finescope.checkpoint.imports;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.finescope.checkpoint.CheckpointException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Walks protobuf messages field by field without generated classes, so that ONNX and TensorFlow files can be
 * read with nothing but their {@code .proto} field numbers. The message lies in one buffer and large
 * {@code bytes} fields are returned as slices of it. Every length is checked against the bytes that are left
 * before anything is allocated, and every problem becomes a {@link CheckpointException} naming the file
 * and the byte position.
 */
final class ProtoCursor {

    private final CodedInputStream in;
    private final Path file;
    private final String format;
    private final ByteBuffer base;
    private final long totalSize;

    private ProtoCursor(CodedInputStream in, Path file, String format, ByteBuffer base, long totalSize) {
        this.in = in;
        this.file = file;
        this.format = format;
        this.base = base;
        this.totalSize = totalSize;
        in.setSizeLimit(Integer.MAX_VALUE);
        in.setRecursionLimit(64);
    }

    /** A cursor over a buffer (heap or memory-mapped); large {@code bytes} fields are sliced, not copied. */
    static ProtoCursor over(ByteBuffer buffer, Path file, String format) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.position(0);
        ProtoCursor c = new ProtoCursor(CodedInputStream.newInstance(b.duplicate()), file, format, b, b.remaining());
        c.pushTopLimit();
        return c;
    }

    private void pushTopLimit() {
        try {
            in.pushLimit((int) Math.min(totalSize, Integer.MAX_VALUE));
        } catch (IOException e) {
            throw error("cannot start reading: " + e.getMessage());
        }
    }

    Path file() {
        return file;
    }

    /** Byte position from the start of the message, for messages. */
    long position() {
        return in.getTotalBytesRead();
    }

    /** The next tag, or 0 at the end of the current message. */
    int nextTag() {
        try {
            if (in.getBytesUntilLimit() == 0) {
                return 0;
            }
            int tag = in.readTag();
            if (tag != 0 && WireFormat.getTagFieldNumber(tag) == 0) {
                throw error("field number 0 at byte " + position());
            }
            return tag;
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    static int field(int tag) {
        return WireFormat.getTagFieldNumber(tag);
    }

    static int wireType(int tag) {
        return WireFormat.getTagWireType(tag);
    }

    /** Fails unless the tag has the wire type the schema gives {@code fieldName}. */
    void expect(int tag, int wireType, String fieldName) {
        if (wireType(tag) != wireType) {
            throw error("field " + fieldName + " (" + field(tag) + ") has wire type " + wireType(tag)
                    + ", expected " + wireType + ", at byte " + position());
        }
    }

    void skip(int tag) {
        try {
            int wt = wireType(tag);
            if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int len = length("field " + field(tag));
                in.skipRawBytes(len);
            } else if (wt == WireFormat.WIRETYPE_END_GROUP || wt > WireFormat.WIRETYPE_FIXED32) {
                throw error("invalid wire type " + wt + " at byte " + position());
            } else if (!in.skipField(tag)) {
                throw error("unexpected end-group tag at byte " + position());
            }
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** Reads a length prefix and checks it against what is left of the current message. */
    int length(String what) {
        try {
            long at = position();
            int len = in.readRawVarint32();
            int left = in.getBytesUntilLimit();
            if (len < 0 || (left >= 0 && len > left)) {
                throw error(what + " claims " + Integer.toUnsignedString(len) + " bytes at byte " + at + " but only "
                        + Math.max(left, 0) + " are left (truncated or corrupt)");
            }
            return len;
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** Enters a length-delimited sub-message; returns the token for {@link #leave(int)}. */
    int enter(int tag, String what) {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int len = length(what);
        try {
            return in.pushLimit(len);
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    void leave(int token) {
        if (in.getBytesUntilLimit() != 0) {
            try {
                in.skipRawBytes(in.getBytesUntilLimit());
            } catch (IOException e) {
                throw wrap(e);
            }
        }
        in.popLimit(token);
    }

    long varint(int tag, String what) {
        expect(tag, WireFormat.WIRETYPE_VARINT, what);
        try {
            return in.readRawVarint64();
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    int fixed32(int tag, String what) {
        expect(tag, WireFormat.WIRETYPE_FIXED32, what);
        try {
            return in.readRawLittleEndian32();
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    String string(int tag, String what) {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int len = length(what);
        try {
            return new String(in.readRawBytes(len), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** A {@code bytes} field: a slice of the underlying buffer, not a copy. */
    ByteBuffer bytes(int tag, String what) {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int len = length(what);
        try {
            int offset = in.getTotalBytesRead();
            in.skipRawBytes(len);
            return base.duplicate().position(offset).limit(offset + len).slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** Appends a repeated varint field, packed or not. */
    void varints(int tag, LongList out, String what) {
        try {
            if (wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int len = length(what);
                int old = in.pushLimit(len);
                while (in.getBytesUntilLimit() > 0) {
                    out.add(in.readRawVarint64());
                }
                in.popLimit(old);
            } else {
                out.add(varint(tag, what));
            }
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** Appends a repeated fixed32 field (float bits), packed or not. */
    void fixed32s(int tag, IntList out, String what) {
        try {
            if (wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int len = length(what);
                if (len % 4 != 0) {
                    throw error(what + ": packed fixed32 field of " + len + " bytes is not a multiple of 4");
                }
                int old = in.pushLimit(len);
                while (in.getBytesUntilLimit() > 0) {
                    out.add(in.readRawLittleEndian32());
                }
                in.popLimit(old);
            } else {
                out.add(fixed32(tag, what));
            }
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    /** Appends a repeated fixed64 field (double bits), packed or not. */
    void fixed64s(int tag, LongList out, String what) {
        try {
            if (wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int len = length(what);
                if (len % 8 != 0) {
                    throw error(what + ": packed fixed64 field of " + len + " bytes is not a multiple of 8");
                }
                int old = in.pushLimit(len);
                while (in.getBytesUntilLimit() > 0) {
                    out.add(in.readRawLittleEndian64());
                }
                in.popLimit(old);
            } else {
                expect(tag, WireFormat.WIRETYPE_FIXED64, what);
                out.add(in.readRawLittleEndian64());
            }
        } catch (IOException e) {
            throw wrap(e);
        }
    }

    CheckpointException error(String problem) {
        return ImportProblems.of(file, format + ": " + problem);
    }

    private CheckpointException wrap(IOException e) {
        if (e instanceof com.google.protobuf.InvalidProtocolBufferException) {
            String m = e.getMessage() == null ? "malformed protobuf" : e.getMessage();
            if (m.startsWith("While parsing a protocol message, the input ended unexpectedly")) {
                m = "truncated: the input ended in the middle of a field";
            }
            return ImportProblems.of(file, format + ": " + m + " (at byte " + position() + ")", e);
        }
        return ImportProblems.of(file, format + ": cannot read: " + e.getMessage(), e);
    }

    /** A growable list of longs, bounded by the input it is read from. */
    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long get(int i) {
            return a[i];
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /** A growable list of ints, bounded by the input it is read from. */
    static final class IntList {
        private int[] a = new int[8];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        int get(int i) {
            return a[i];
        }
    }
}
