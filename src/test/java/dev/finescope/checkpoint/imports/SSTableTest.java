package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.CheckpointException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SSTableTest {

    private static final Path NAME = Path.of("t.index");

    private static List<TableBytes.KV> entries(int n) {
        List<TableBytes.KV> kv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            kv.add(new TableBytes.KV(String.format("bert/encoder/layer_%03d/kernel", i).getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) i, (byte) (i * 3)}));
        }
        return kv;
    }

    @Test
    void prefixCompressedKeysAcrossBlocksComeBackInOrder() {
        List<TableBytes.KV> kv = entries(100);
        List<SSTable.Entry> got = SSTable.read(ByteBuffer.wrap(TableBytes.table(kv, 128)), NAME);
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertArrayEquals(kv.get(i).key(), got.get(i).key());
            byte[] v = new byte[got.get(i).value().remaining()];
            got.get(i).value().duplicate().get(v);
            assertArrayEquals(kv.get(i).value(), v);
        }
    }

    @Test
    void theFixtureIndexIsReadAsTensorFlowWroteIt() throws IOException {
        byte[] index = Files.readAllBytes(ImportFixtures.file("tf/bert_model.ckpt.index"));
        TensorBundle b = TensorBundle.read(ByteBuffer.wrap(index), NAME);
        assertEquals(1, b.numShards());
        assertEquals(49, b.entries().size(), "2 × 16 layer tensors, 5 embeddings, 2 pooler, 7 head tensors, 3 extra");
        TensorBundle.Entry word = b.entries().stream().filter(e -> e.name().equals("bert/embeddings/word_embeddings"))
                .findFirst().orElseThrow();
        assertArrayEquals(new long[] {96, 32}, word.shape());
        assertEquals(96 * 32 * 4, word.size());
    }

    @Test
    void badMagicSaysItIsNotAnIndex() {
        byte[] t = TableBytes.table(entries(3), 128);
        t[t.length - 1] ^= 1;
        CheckpointException e = assertThrows(CheckpointException.class, () -> SSTable.read(ByteBuffer.wrap(t), NAME));
        assertTrue(e.getMessage().startsWith("t.index: checkpoint index: bad magic number"), e.getMessage());
    }

    @Test
    void aHandlePastTheEndIsRefused() {
        byte[] t = TableBytes.table(entries(3), 128);
        byte[] footer = TableBytes.footer(new long[] {0, 0}, new long[] {5, 1 << 20});
        System.arraycopy(footer, 0, t, t.length - footer.length, footer.length);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SSTable.read(ByteBuffer.wrap(t), NAME));
        assertTrue(e.getMessage().contains("index block handle (offset 5, size 1048576) points past the end"),
                e.getMessage());
    }

    @Test
    void aDamagedBlockFailsItsChecksum() {
        byte[] t = TableBytes.table(entries(3), 1 << 20);
        t[7] ^= 0x40;
        CheckpointException e = assertThrows(CheckpointException.class, () -> SSTable.read(ByteBuffer.wrap(t), NAME));
        assertTrue(e.getMessage().startsWith("t.index: checkpoint index: bad checksum in data block at 0"),
                e.getMessage());
    }

    @Test
    void snappyBlocksAreRefusedByName() {
        byte[] block = TableBytes.block(entries(3), 16);
        byte[] t = TableBytes.table(entries(3), 1 << 20);
        t[block.length] = 1; // the type byte after data block 0
        TableBytes.fixCrc(t, 0, block.length);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SSTable.read(ByteBuffer.wrap(t), NAME));
        assertEquals("t.index: checkpoint index: snappy-compressed blocks are not supported (data block at 0)",
                e.getMessage());
    }

    @Test
    void keysOutOfOrderAreRefused() {
        List<TableBytes.KV> kv = new ArrayList<>(entries(3));
        kv.add(kv.remove(0));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> SSTable.read(ByteBuffer.wrap(TableBytes.table(kv, 1 << 20)), NAME));
        assertTrue(e.getMessage().contains("keys out of order"), e.getMessage());
    }

    @Test
    void keysWithLineBreaksAreQuotedOnOneLine() {
        List<TableBytes.KV> kv = List.of(new TableBytes.KV("b\nb".getBytes(StandardCharsets.UTF_8), new byte[0]),
                new TableBytes.KV("a\u2028a".getBytes(StandardCharsets.UTF_8), new byte[0]));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> SSTable.read(ByteBuffer.wrap(TableBytes.table(kv, 1 << 20)), NAME));
        assertEquals("t.index: checkpoint index: keys out of order in data block at 0: 'a\\u2028a' after 'b\\u000ab'",
                e.getMessage());
    }

    @Test
    void aLengthOver2To63IsRefused() {
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        block.writeBytes(TableBytes.varint(0));
        block.writeBytes(TableBytes.varint(-1L)); // ten bytes: 2^64 - 1, negative as a Java long
        block.writeBytes(TableBytes.varint(0));
        block.writeBytes(new byte[] {0, 0, 0, 0, 1, 0, 0, 0}); // restart at 0, one restart
        java.io.ByteArrayOutputStream t = new java.io.ByteArrayOutputStream();
        long[] data = TableBytes.emit(t, block.toByteArray());
        long[] meta = TableBytes.emit(t, TableBytes.block(List.of(), 16));
        long[] index = TableBytes.emit(t, TableBytes.block(List.of(new TableBytes.KV(new byte[] {'k'},
                TableBytes.handle(data))), 1));
        t.writeBytes(TableBytes.footer(meta, index));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> SSTable.read(ByteBuffer.wrap(t.toByteArray()), NAME));
        assertEquals("t.index: checkpoint index: data block at 0: entry at byte 12 has a length over 2^63",
                e.getMessage());
    }

    @Test
    void tooShortForAFooter() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> SSTable.read(ByteBuffer.wrap(new byte[10]), NAME));
        assertEquals("t.index: checkpoint index: too short for a table footer (10 bytes, need 48)", e.getMessage());
    }

    @Test
    void anImpossibleRestartCountIsRefused() {
        byte[] block = TableBytes.block(entries(2), 16);
        byte[] t = TableBytes.table(entries(2), 1 << 20);
        ByteBuffer.wrap(t).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(block.length - 4, 1_000_000);
        TableBytes.fixCrc(t, 0, block.length);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SSTable.read(ByteBuffer.wrap(t), NAME));
        assertTrue(e.getMessage().contains("claims 1000000 restart points"), e.getMessage());
    }
}
