package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.DType;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The table of contents of a TensorFlow checkpoint (tensor_bundle.proto): the header under the empty key, then
 * one {@code BundleEntryProto} per variable saying its type, shape, data shard, offset, size and CRC.
 */
record TensorBundle(int numShards, List<Entry> entries) {

    /** TensorFlow {@code DataType} numbers. */
    static final int DT_FLOAT = 1;
    static final int DT_DOUBLE = 2;
    static final int DT_INT32 = 3;
    static final int DT_UINT8 = 4;
    static final int DT_INT16 = 5;
    static final int DT_INT8 = 6;
    static final int DT_STRING = 7;
    static final int DT_INT64 = 9;
    static final int DT_BOOL = 10;
    static final int DT_BFLOAT16 = 14;
    static final int DT_HALF = 19;

    /** One variable: where its bytes are and what they hold. */
    record Entry(String name, int dtype, long[] shape, int shardId, long offset, long size, Integer crc32c) {

        long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The FineScope type of a numeric variable, or null (strings, resources, variants). */
        DType type() {
            return switch (dtype) {
                case DT_FLOAT -> DType.F32;
                case DT_DOUBLE -> DType.F64;
                case DT_INT32 -> DType.I32;
                case DT_UINT8 -> DType.U8;
                case DT_INT16 -> DType.I16;
                case DT_INT8 -> DType.I8;
                case DT_INT64 -> DType.I64;
                case DT_BOOL -> DType.BOOL;
                case DT_BFLOAT16 -> DType.BF16;
                case DT_HALF -> DType.F16;
                default -> null;
            };
        }
    }

    /** Reads the bundle from the index table's bytes; {@code indexFile} names it in messages. */
    static TensorBundle read(ByteBuffer indexBytes, Path indexFile) {
        return read(indexBytes, indexFile, true);
    }

    /** As {@link #read(ByteBuffer, Path)}; without checksum checks only for fuzzing the parsers behind them. */
    static TensorBundle read(ByteBuffer indexBytes, Path indexFile, boolean verifyChecksums) {
        List<SSTable.Entry> table = SSTable.read(indexBytes, indexFile, verifyChecksums);
        int numShards = -1;
        List<Entry> entries = new ArrayList<>();
        for (SSTable.Entry e : table) {
            if (e.key().length == 0) {
                numShards = header(e.value(), indexFile);
            } else {
                entries.add(entry(e.keyString(), e.value(), indexFile));
            }
        }
        if (numShards < 0) {
            throw ImportProblems.of(indexFile, "checkpoint index: no header (BundleHeaderProto under the empty"
                    + " key): not a tensor bundle");
        }
        for (Entry e : entries) {
            if (e.shardId() >= numShards) {
                throw ImportProblems.of(indexFile, "checkpoint index: " + ImportProblems.quote(e.name())
                        + " is in shard "
                        + e.shardId() + " of " + numShards);
            }
        }
        return new TensorBundle(numShards, List.copyOf(entries));
    }

    private static int header(ByteBuffer value, Path file) {
        ProtoCursor c = ProtoCursor.over(value, file, "checkpoint header");
        int numShards = 0;
        long endianness = 0;
        int t;
        while ((t = c.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> numShards = (int) c.varint(t, "num_shards");
                case 2 -> endianness = c.varint(t, "endianness");
                default -> c.skip(t);
            }
        }
        if (endianness != 0) {
            throw c.error("big-endian checkpoints are not supported");
        }
        if (numShards < 1 || numShards > 100_000) {
            throw c.error("impossible shard count " + numShards);
        }
        return numShards;
    }

    private static Entry entry(String name, ByteBuffer value, Path file) {
        ProtoCursor c = ProtoCursor.over(value, file, "checkpoint entry " + ImportProblems.quote(name));
        int dtype = 0;
        List<Long> dims = new ArrayList<>();
        long shard = 0;
        long offset = 0;
        long size = 0;
        Integer crc = null;
        int t;
        while ((t = c.nextTag()) != 0) {
            switch (ProtoCursor.field(t)) {
                case 1 -> dtype = (int) c.varint(t, "dtype");
                case 2 -> shape(c, t, dims);
                case 3 -> shard = c.varint(t, "shard_id");
                case 4 -> offset = c.varint(t, "offset");
                case 5 -> size = c.varint(t, "size");
                case 6 -> crc = c.fixed32(t, "crc32c");
                case 7 -> throw c.error("partitioned (sliced) variables are not supported");
                default -> c.skip(t);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        if (shard < 0 || shard > Integer.MAX_VALUE || offset < 0 || size < 0) {
            throw c.error("negative or impossible shard " + shard + ", offset " + offset + " or size " + size);
        }
        Entry e = new Entry(name, dtype, shape, (int) shard, offset, size, crc);
        DType type = e.type();
        if (type != null) {
            long n = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw c.error("negative dimension in shape " + Arrays.toString(shape));
                }
                if (d != 0 && n > Long.MAX_VALUE / d / type.byteSize()) {
                    throw c.error("shape " + Arrays.toString(shape) + " is too large");
                }
                n *= d;
            }
            if (n * type.byteSize() != size) {
                throw c.error("shape " + Arrays.toString(shape) + " of " + type + " needs " + n * type.byteSize()
                        + " bytes but the entry says " + size);
            }
        }
        return e;
    }

    private static void shape(ProtoCursor c, int tag, List<Long> dims) {
        int token = c.enter(tag, "shape");
        int t;
        while ((t = c.nextTag()) != 0) {
            if (ProtoCursor.field(t) == 2) {
                int dt = c.enter(t, "shape.dim");
                long size = 0;
                int u;
                while ((u = c.nextTag()) != 0) {
                    if (ProtoCursor.field(u) == 1) {
                        size = c.varint(u, "dim.size");
                    } else {
                        c.skip(u);
                    }
                }
                c.leave(dt);
                dims.add(size);
            } else if (ProtoCursor.field(t) == 3) {
                if (c.varint(t, "unknown_rank") != 0) {
                    throw c.error("a saved variable of unknown rank");
                }
            } else {
                c.skip(t);
            }
        }
        c.leave(token);
    }
}
