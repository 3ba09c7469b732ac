package dev.finescope.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, for pickles that torch.save would never write. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes proto(int version) {
        return op(0x80).op(version);
    }

    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleBytes stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        le(b.length, 4);
        out.writeBytes(b);
        return this;
    }

    PickleBytes integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').op((int) v);
        }
        op(0x8a).op(8);
        le(v, 8);
        return this;
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes tuple() {
        return op('t');
    }

    PickleBytes emptyTuple() {
        return op(')');
    }

    PickleBytes tuple1() {
        return op(0x85);
    }

    PickleBytes emptyDict() {
        return op('}');
    }

    PickleBytes reduce() {
        return op('R');
    }

    PickleBytes setItem() {
        return op('s');
    }

    PickleBytes setItems() {
        return op('u');
    }

    PickleBytes persId() {
        return op('Q');
    }

    PickleBytes bool(boolean b) {
        return op(b ? 0x88 : 0x89);
    }

    PickleBytes stop() {
        return op('.');
    }

    /** {@code ints} as a tuple (MARK … TUPLE). */
    PickleBytes ints(long... ints) {
        mark();
        for (long i : ints) {
            integer(i);
        }
        return tuple();
    }

    /**
     * A {@code _rebuild_tensor_v2} call as torch.save writes it: storage {@code key} of type {@code storageType}
     * with {@code numel} elements, viewed at {@code offset} with {@code size} and {@code stride}.
     */
    PickleBytes tensorV2(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel).tuple().persId();
        integer(offset).ints(size).ints(stride).bool(false);
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple().reduce();
        return this;
    }

    /** A whole state dict pickle holding one tensor. */
    static byte[] stateDictOf(String name, String storageType, String key, long numel, long offset, long[] size,
            long[] stride) {
        return new PickleBytes().proto(2).global("collections", "OrderedDict").emptyTuple().reduce()
                .str(name).tensorV2(storageType, key, numel, offset, size, stride).setItem().stop().bytes();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void le(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}
