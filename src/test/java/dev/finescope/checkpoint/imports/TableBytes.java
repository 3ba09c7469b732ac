package dev.finescope.checkpoint.imports;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Writes LevelDB tables the way TensorFlow's table builder does, for tests that need odd ones. */
final class TableBytes {

    private TableBytes() {
    }

    record KV(byte[] key, byte[] value) {
    }

    static byte[] table(List<KV> entries, int blockSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<KV> index = new ArrayList<>();
        List<KV> pending = new ArrayList<>();
        int size = 0;
        for (KV kv : entries) {
            pending.add(kv);
            size += kv.key().length + kv.value().length + 3;
            if (size >= blockSize) {
                index.add(new KV(pending.get(pending.size() - 1).key(), handle(emit(out, block(pending, 16)))));
                pending = new ArrayList<>();
                size = 0;
            }
        }
        if (!pending.isEmpty()) {
            index.add(new KV(pending.get(pending.size() - 1).key(), handle(emit(out, block(pending, 16)))));
        }
        long[] meta = emit(out, block(List.of(), 16));
        long[] idx = emit(out, block(index, 1));
        out.writeBytes(footer(meta, idx));
        return out.toByteArray();
    }

    static byte[] footer(long[] meta, long[] index) {
        ByteBuffer f = ByteBuffer.allocate(SSTable.FOOTER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : new long[] {meta[0], meta[1], index[0], index[1]}) {
            f.put(varint(v));
        }
        f.putLong(40, SSTable.MAGIC);
        return f.array();
    }

    static byte[] handle(long[] h) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(varint(h[0]));
        b.writeBytes(varint(h[1]));
        return b.toByteArray();
    }

    /** Appends a block and its trailer; returns its handle. */
    static long[] emit(ByteArrayOutputStream out, byte[] contents) {
        long off = out.size();
        out.writeBytes(contents);
        out.write(0);
        byte[] withType = new byte[contents.length + 1];
        System.arraycopy(contents, 0, withType, 0, contents.length);
        int crc = SSTable.mask(SSTable.crc32c(ByteBuffer.wrap(withType)));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc).array());
        return new long[] {off, contents.length};
    }

    static byte[] block(List<KV> entries, int restartInterval) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> restarts = new ArrayList<>();
        byte[] last = new byte[0];
        for (int i = 0; i < entries.size(); i++) {
            byte[] k = entries.get(i).key();
            byte[] v = entries.get(i).value();
            int shared = 0;
            if (i % restartInterval == 0) {
                restarts.add(out.size());
            } else {
                while (shared < Math.min(last.length, k.length) && last[shared] == k[shared]) {
                    shared++;
                }
            }
            out.writeBytes(varint(shared));
            out.writeBytes(varint(k.length - shared));
            out.writeBytes(varint(v.length));
            out.write(k, shared, k.length - shared);
            out.writeBytes(v);
            last = k;
        }
        if (restarts.isEmpty()) {
            restarts.add(0);
        }
        ByteBuffer r = ByteBuffer.allocate(4 * restarts.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
        restarts.forEach(r::putInt);
        r.putInt(restarts.size());
        out.writeBytes(r.array());
        return out.toByteArray();
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            b.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        b.write((int) v);
        return b.toByteArray();
    }

    /** Rewrites the trailer CRC of the block at {@code offset} of {@code size} bytes after a deliberate change. */
    static void fixCrc(byte[] table, int offset, int size) {
        int crc = SSTable.mask(SSTable.crc32c(ByteBuffer.wrap(table, offset, size + 1)));
        ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN).putInt(offset + size + 1, crc);
    }
}
