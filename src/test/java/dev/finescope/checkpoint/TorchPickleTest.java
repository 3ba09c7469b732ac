package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.finescope.checkpoint.TorchPickle.PyDict;
import dev.finescope.checkpoint.TorchPickle.PyTuple;
import dev.finescope.checkpoint.TorchPickle.TensorRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorchPickleTest {

    private static final Path FILE = Path.of("model.bin");
    private static final String ENTRY = "archive/data.pkl";

    private static Object load(PickleBytes p) {
        return TorchPickle.load(FILE, ENTRY, p.bytes());
    }

    private static String error(PickleBytes p) {
        return assertThrows(CheckpointException.class, () -> load(p)).getMessage();
    }

    @Test
    void plainValuesComeOutAsJavaValues() {
        Object v = load(new PickleBytes().proto(2).mark().str("é").integer(7).integer(-3).integer(1L << 40)
                .bool(true).op('N').op('G').op(0x3f).op(0xf8).op(0).op(0).op(0).op(0).op(0).op(0).tuple().stop());
        PyTuple t = assertInstanceOf(PyTuple.class, v);
        assertEquals(List.of("é", 7L, -3L, 1L << 40, true), t.items().subList(0, 5));
        assertNull(t.get(5));
        assertEquals(1.5, t.get(6));
    }

    @Test
    void longOneDecodesNegativeNumbersOfAnyWidthUpToEightBytes() {
        // LONG1 of 2 bytes: 0xff7f little-endian is -129
        Object v = load(new PickleBytes().proto(2).op(0x8a).op(2).op(0x7f).op(0xff).stop());
        assertEquals(-129L, v);
    }

    @Test
    void theMemoHandsBackTheSameObject() {
        Object v = load(new PickleBytes().proto(2).emptyDict().op('q').op(1).op('h').op(1).op(0x86).stop());
        PyTuple t = assertInstanceOf(PyTuple.class, v);
        assertEquals(2, t.size());
        assertInstanceOf(PyDict.class, t.get(0));
        assertEquals(System.identityHashCode(t.get(0)), System.identityHashCode(t.get(1)));
    }

    @Test
    void aTensorKeepsItsStorageDtypeOffsetShapeAndStride() {
        byte[] pickle = PickleBytes.stateDictOf("w", "HalfStorage", "3", 20, 4, new long[] {2, 8},
                new long[] {8, 1});
        PyDict dict = assertInstanceOf(PyDict.class, TorchPickle.load(FILE, ENTRY, pickle));
        TensorRef t = assertInstanceOf(TensorRef.class, dict.items.get("w"));
        assertEquals("3", t.storage().key());
        assertEquals(20, t.storage().numel());
        assertEquals(DType.F16, t.dtype());
        assertEquals(4, t.offset());
        assertArrayEquals(new long[] {2, 8}, t.shape());
        assertArrayEquals(new long[] {8, 1}, t.stride());
    }

    @Test
    void aTrainingCheckpointContributesItsNestedTensorsUnderDottedNamesAndSkipsTheRest() {
        PickleBytes p = new PickleBytes().proto(2).emptyDict().mark()
                .str("epoch").integer(3)
                .str("model").emptyDict().str("w");
        p.tensorV2("FloatStorage", "0", 1, 0, new long[] {1}, new long[] {1}).setItem();
        p.str("step").integer(9).setItems().stop();
        Map<String, TensorRef> tensors = PyTorchBinReader.stateDict(FILE, load(p));
        assertEquals(List.of("model.w"), List.copyOf(tensors.keySet()));
    }

    @Test
    void aDictHoldingItselfIsRefused() {
        PickleBytes p = new PickleBytes().proto(2).emptyDict().op('q').op(0).str("me").op('h').op(0).setItem()
                .stop();
        assertEquals("model.bin: holds a dict that appears twice (at me)",
                assertThrows(CheckpointException.class, () -> PyTorchBinReader.stateDict(FILE, load(p)))
                        .getMessage());
    }

    @Test
    void aDictWithoutTensorsIsNotAStateDict() {
        PickleBytes p = new PickleBytes().proto(2).emptyDict().str("a").integer(1).setItem().stop();
        assertEquals("model.bin: holds a dict without tensors, not a state dict",
                assertThrows(CheckpointException.class, () -> PyTorchBinReader.stateDict(FILE, load(p)))
                        .getMessage());
    }

    @Test
    void anOpcodeTorchNeverWritesIsNamedWithItsPosition() {
        assertEquals("model.bin: archive/data.pkl at byte 2: opcode 0x49 is not one a PyTorch state dict uses",
                error(new PickleBytes().proto(2).op('I').stop()));
    }

    @Test
    void readingTheMemoBeforeWritingItIsAnError() {
        assertEquals("model.bin: archive/data.pkl at byte 2: memo entry 5 is read before it is written",
                error(new PickleBytes().proto(2).op('h').op(5).stop()));
    }

    @Test
    void popsBelowAMarkAreAnError() {
        assertEquals("model.bin: archive/data.pkl at byte 4: a tuple of 1 with fewer values on the stack",
                error(new PickleBytes().proto(2).op('N').mark().tuple1().stop()));
    }

    @Test
    void aListIsNotADictKey() {
        assertEquals("model.bin: archive/data.pkl at byte 5: a dict key of type a list is not part of a PyTorch "
                + "state dict", error(new PickleBytes().proto(2).emptyDict().op(']').op('N').setItem().stop()));
    }

    @Test
    void anEmptyPickleEndsWithoutAValue() {
        assertEquals("model.bin: archive/data.pkl at byte 0: the pickle ends in the middle of a value",
                error(new PickleBytes()));
        assertEquals("model.bin: archive/data.pkl at byte 2: the pickle ends without a value",
                error(new PickleBytes().proto(2).stop()));
    }

    @Test
    void aPickleProtocolTorchNeverWritesIsRefused() {
        assertEquals("model.bin: archive/data.pkl at byte 0: pickle protocol 9 is not one torch.save writes",
                error(new PickleBytes().proto(9)));
    }

    @Test
    void aStackThatGrowsWithoutBoundStopsAtItsCap() {
        byte[] nones = new byte[TorchPickle.MAX_STACK + 3];
        java.util.Arrays.fill(nones, (byte) 'N');
        nones[0] = (byte) 0x80;
        nones[1] = 2;
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchPickle.load(FILE, ENTRY, nones));
        assertEquals("model.bin: archive/data.pkl at byte " + (TorchPickle.MAX_STACK + 2) + ": more than "
                + TorchPickle.MAX_STACK + " values on the pickle stack", e.getMessage());
    }

    @Test
    void namesFromTheFileArePrintableAndShort() {
        assertEquals("os?sys", TorchPickle.printable("os\nsys"));
        assertEquals("x".repeat(120) + "...", TorchPickle.printable("x".repeat(500)));
    }
}
