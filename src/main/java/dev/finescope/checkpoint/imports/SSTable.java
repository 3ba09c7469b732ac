package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.CheckpointException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads the sorted table TensorFlow writes as a checkpoint's {@code .index} file (the LevelDB table format): a
 * footer pointing at an index block, which points at data blocks of prefix-compressed keys, each block followed
 * by a compression byte and a masked CRC-32C. Every handle, length and checksum is verified before use, so a
 * damaged file gives a one-line error, never a wrong tensor.
 */
final class SSTable {

    /** The magic number that ends every LevelDB/TensorFlow table. */
    static final long MAGIC = 0xdb4775248b80fb57L;
    static final int FOOTER_SIZE = 48;
    static final int BLOCK_TRAILER_SIZE = 5;
    /** Longer keys than this are not tensor names: the file is corrupt. */
    static final int MAX_KEY_LENGTH = 1 << 16;
    /** All keys together may not exceed this: bounds memory on a corrupt file. */
    static final long MAX_TOTAL_KEY_BYTES = 256L << 20;

    private static final int MASK_DELTA = 0xa282ead8;

    /** One key and its value; the value is a read-only view into the file's bytes. */
    record Entry(byte[] key, ByteBuffer value) {
        String keyString() {
            return new String(key, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final ByteBuffer file;
    private final Path path;
    private final int footerStart;
    private final boolean verifyChecksums;
    private long keyBytes;

    private SSTable(ByteBuffer file, Path path, boolean verifyChecksums) {
        this.file = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.file.position(0);
        this.path = path;
        this.footerStart = this.file.limit() - FOOTER_SIZE;
        this.verifyChecksums = verifyChecksums;
    }

    /** All entries in key order; {@code path} names the file in messages. */
    static List<Entry> read(ByteBuffer file, Path path) {
        return read(file, path, true);
    }

    /**
     * As {@link #read(ByteBuffer, Path)}; {@code verifyChecksums = false} only lets a fuzzer reach the block
     * parser behind the checksums, which random bytes never pass.
     */
    static List<Entry> read(ByteBuffer file, Path path, boolean verifyChecksums) {
        return new SSTable(file, path, verifyChecksums).readAll();
    }

    /** LevelDB's masking of a stored CRC, so that a CRC of data holding CRCs is not trivially zero. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    static int crc32c(ByteBuffer data) {
        CRC32C c = new CRC32C();
        c.update(data.duplicate());
        return (int) c.getValue();
    }

    private List<Entry> readAll() {
        if (footerStart < 0) {
            throw error("too short for a table footer (" + file.limit() + " bytes, need " + FOOTER_SIZE + ")");
        }
        long magic = file.getLong(file.limit() - 8);
        if (magic != MAGIC) {
            throw error("bad magic number 0x" + Long.toHexString(magic) + " (expected 0x" + Long.toHexString(MAGIC)
                    + "): not a TensorFlow checkpoint index");
        }
        int[] pos = {footerStart};
        int end = file.limit() - 8;
        long metaOffset = varint64(pos, end, "footer");
        long metaSize = varint64(pos, end, "footer");
        long indexOffset = varint64(pos, end, "footer");
        long indexSize = varint64(pos, end, "footer");
        checkHandle(metaOffset, metaSize, "metaindex");
        ByteBuffer index = block(indexOffset, indexSize, "index block");
        List<Entry> out = new ArrayList<>();
        byte[] last = null;
        for (Entry handle : entries(index, "index block at " + indexOffset)) {
            int[] p = {0};
            ByteBuffer v = handle.value();
            long off = varint64(v, p, v.limit(), "index entry");
            long size = varint64(v, p, v.limit(), "index entry");
            String where = "data block at " + off;
            for (Entry e : entries(block(off, size, where), where)) {
                if (last != null && compare(last, e.key()) >= 0) {
                    throw error("keys out of order in " + where + ": " + ImportProblems.quote(e.keyString())
                            + " after " + ImportProblems.quote(new String(last, StandardCharsets.UTF_8)));
                }
                last = e.key();
                out.add(e);
            }
        }
        return out;
    }

    private void checkHandle(long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > footerStart || size > footerStart - offset - BLOCK_TRAILER_SIZE) {
            throw error(what + " handle (offset " + offset + ", size " + size + ") points past the end of the"
                    + " table (" + footerStart + " bytes before the footer)");
        }
    }

    /** A block's contents after its trailer was checked. */
    private ByteBuffer block(long offset, long size, String what) {
        checkHandle(offset, size, what);
        int o = (int) offset;
        int s = (int) size;
        int type = file.get(o + s) & 0xff;
        int stored = file.getInt(o + s + 1);
        int actual = mask(crc32c(file.duplicate().position(o).limit(o + s + 1)));
        if (verifyChecksums && stored != actual) {
            throw error("bad checksum in " + what + ": stored 0x" + Integer.toHexString(stored) + ", computed 0x"
                    + Integer.toHexString(actual) + " (the file is damaged)");
        }
        if (type == 1) {
            throw error("snappy-compressed blocks are not supported (" + what + ")");
        }
        if (type != 0) {
            throw error("unknown block compression type " + type + " in " + what);
        }
        return file.duplicate().position(o).limit(o + s).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The entries of one block, keys rebuilt from their shared prefixes. */
    private List<Entry> entries(ByteBuffer block, String what) {
        int size = block.limit();
        if (size < 4) {
            throw error(what + " is too short (" + size + " bytes) to hold its restart count");
        }
        long restarts = block.getInt(size - 4) & 0xffffffffL;
        if (restarts < 1 || (restarts + 1) * 4 > size) {
            throw error(what + " claims " + restarts + " restart points, which do not fit its " + size + " bytes");
        }
        int dataEnd = (int) (size - (restarts + 1) * 4);
        for (int i = 0; i < restarts; i++) {
            long r = block.getInt(dataEnd + 4 * i) & 0xffffffffL;
            if (r > dataEnd) {
                throw error(what + " has restart point " + r + " past its entries (" + dataEnd + " bytes)");
            }
        }
        List<Entry> out = new ArrayList<>();
        byte[] prev = new byte[0];
        int[] p = {0};
        while (p[0] < dataEnd) {
            long shared = varint64(block, p, dataEnd, what);
            long nonShared = varint64(block, p, dataEnd, what);
            long valueLength = varint64(block, p, dataEnd, what);
            if (shared < 0 || nonShared < 0 || valueLength < 0) {
                throw error(what + ": entry at byte " + p[0] + " has a length over 2^63");
            }
            if (shared > prev.length) {
                throw error(what + ": entry at byte " + p[0] + " shares " + shared + " bytes with a key of "
                        + prev.length);
            }
            if (nonShared > dataEnd - p[0] || valueLength > dataEnd - p[0] - nonShared) {
                throw error(what + ": entry at byte " + p[0] + " runs past the end of the block");
            }
            if (shared + nonShared > MAX_KEY_LENGTH) {
                throw error(what + ": key of " + (shared + nonShared) + " bytes is too long");
            }
            keyBytes += shared + nonShared;
            if (keyBytes > MAX_TOTAL_KEY_BYTES) {
                throw error("keys add up to more than " + MAX_TOTAL_KEY_BYTES + " bytes: not a checkpoint index");
            }
            byte[] key = new byte[(int) (shared + nonShared)];
            System.arraycopy(prev, 0, key, 0, (int) shared);
            block.get(p[0], key, (int) shared, (int) nonShared);
            p[0] += (int) nonShared;
            ByteBuffer value = block.duplicate().position(p[0]).limit(p[0] + (int) valueLength).slice()
                    .order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
            p[0] += (int) valueLength;
            out.add(new Entry(key, value));
            prev = key;
        }
        return out;
    }

    private long varint64(int[] pos, int end, String what) {
        return varint64(file, pos, end, what);
    }

    private long varint64(ByteBuffer b, int[] pos, int end, String what) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= end) {
                throw error("truncated number in " + what + " at byte " + pos[0]);
            }
            int c = b.get(pos[0]++) & 0xff;
            result |= (long) (c & 0x7f) << shift;
            if (c < 0x80) {
                return result;
            }
        }
        throw error("malformed number (more than 10 bytes) in " + what);
    }

    private static int compare(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    private CheckpointException error(String problem) {
        return ImportProblems.of(path, "checkpoint index: " + problem);
    }
}
