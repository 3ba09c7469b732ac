package dev.finescope.checkpoint;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that understands only what {@code torch.save} writes for a state dict, and turns it into
 * plain Java values. A pickle is a program: a general unpickler imports and calls whatever it names, which is
 * how a hostile {@code pytorch_model.bin} runs code on the machine that opens it. This one knows a fixed list of
 * globals (the ordered dict, the tensor rebuild functions, the storage classes and dtypes), never calls
 * anything, never loads a class by name, and refuses every other global before reading further. Sizes are
 * capped so that a damaged or crafted file ends in a {@link CheckpointException}, never in a hang or an
 * {@link OutOfMemoryError}.
 */
final class TorchPickle {

    /** Most values on the stack at once; a state dict needs a few dozen. */
    static final int MAX_STACK = 1 << 20;
    /** Most nested marks at once; a state dict needs three. */
    static final int MAX_MARKS = 1 << 16;
    /** Most memo entries. */
    static final int MAX_MEMO = 1 << 20;
    /** Most items put into tuples, lists and dicts over the whole pickle. */
    static final int MAX_ITEMS = 1 << 22;
    /** Most dimensions of a tensor shape or stride. */
    static final int MAX_DIMS = 64;

    private static final int PROTO = 0x80;
    private static final int FRAME = 0x95;
    private static final int STOP = '.';
    private static final int MARK = '(';
    private static final int EMPTY_DICT = '}';
    private static final int EMPTY_LIST = ']';
    private static final int EMPTY_TUPLE = ')';
    private static final int BINUNICODE = 'X';
    private static final int SHORT_BINUNICODE = 0x8c;
    private static final int BINUNICODE8 = 0x8d;
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int MEMOIZE = 0x94;
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int BININT = 'J';
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int LONG1 = 0x8a;
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int NONE = 'N';
    private static final int BINFLOAT = 'G';
    private static final int TUPLE = 't';
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int SETITEM = 's';
    private static final int SETITEMS = 'u';
    private static final int APPEND = 'a';
    private static final int APPENDS = 'e';
    private static final int GLOBAL = 'c';
    private static final int STACK_GLOBAL = 0x93;
    private static final int REDUCE = 'R';
    private static final int BUILD = 'b';
    private static final int BINPERSID = 'Q';

    /** The first bytes of PyTorch's legacy (pre-1.6) format: PROTO 2, LONG1 of 10 bytes holding its magic number. */
    private static final byte[] LEGACY_PREFIX = {
        (byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a,
        (byte) 0xa8, 0x50, 0x19
    };

    private final Path file;
    private final String entry;
    private final byte[] data;
    private int pos;

    private Object[] stack = new Object[64];
    private int stackSize;
    private int[] marks = new int[8];
    private int markCount;
    private final Map<Long, Object> memo = new HashMap<>();
    private long items;

    private TorchPickle(Path file, String entry, byte[] data) {
        this.file = file;
        this.entry = entry;
        this.data = data;
    }

    /**
     * Reads the pickle {@code data} (the {@code data.pkl} entry {@code entry} of {@code file}) and returns the
     * value it builds: a {@link PyDict}, {@link PyList}, {@link PyTuple}, {@link TensorRef}, {@link StorageRef},
     * {@link TorchGlobal}, {@link String}, {@link Long}, {@link Double}, {@link Boolean} or {@code null} (None).
     */
    static Object load(Path file, String entry, byte[] data) {
        return new TorchPickle(file, entry, data).run();
    }

    /** Whether a file starting with {@code head} is in PyTorch's legacy (pre-zip) format. */
    static boolean isLegacyFormat(byte[] head) {
        if (head.length < LEGACY_PREFIX.length) {
            return false;
        }
        for (int i = 0; i < LEGACY_PREFIX.length; i++) {
            if (head[i] != LEGACY_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Values

    /** A Python tuple; immutable. */
    record PyTuple(List<Object> items) {
        PyTuple {
            items = Collections.unmodifiableList(items);
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }
    }

    /** A Python list. Equality is identity, as lists cannot be dict keys. */
    static final class PyList {
        final List<Object> items = new ArrayList<>();
    }

    /** A Python dict or {@code collections.OrderedDict}, in insertion order. Equality is identity. */
    static final class PyDict {
        final Map<Object, Object> items = new LinkedHashMap<>();
    }

    /** A persistent id naming one storage entry of the archive: {@code ('storage', type, key, location, numel)}. */
    record StorageRef(String key, DType dtype, long numel, String location) {
    }

    /**
     * A tensor as pickled: a view of {@code shape}/{@code stride} at {@code offset} elements into a storage.
     * Nothing is checked here but the types; the reader checks the geometry with the tensor's name at hand.
     */
    record TensorRef(StorageRef storage, DType dtype, long offset, long[] shape, long[] stride) {
    }

    /** What an allowed global stands for. */
    enum GlobalKind {
        ORDERED_DICT, REBUILD_TENSOR, REBUILD_TENSOR_V2, REBUILD_TENSOR_V3, REBUILD_PARAMETER,
        REBUILD_PARAMETER_WITH_STATE, STORAGE_TYPE, UNTYPED_STORAGE, DTYPE, UNSUPPORTED_STORAGE_TYPE
    }

    /** One global a state-dict pickle may name; {@code dtype} is set for storage types and dtypes. */
    record TorchGlobal(String module, String name, GlobalKind kind, DType dtype) {
        String qualifiedName() {
            return module + "." + name;
        }
    }

    private static final Map<String, TorchGlobal> ALLOWED = allowedGlobals();

    private static Map<String, TorchGlobal> allowedGlobals() {
        Map<String, TorchGlobal> m = new HashMap<>();
        put(m, "collections", "OrderedDict", GlobalKind.ORDERED_DICT, null);
        put(m, "torch._utils", "_rebuild_tensor", GlobalKind.REBUILD_TENSOR, null);
        put(m, "torch._utils", "_rebuild_tensor_v2", GlobalKind.REBUILD_TENSOR_V2, null);
        put(m, "torch._utils", "_rebuild_tensor_v3", GlobalKind.REBUILD_TENSOR_V3, null);
        put(m, "torch._utils", "_rebuild_parameter", GlobalKind.REBUILD_PARAMETER, null);
        put(m, "torch._utils", "_rebuild_parameter_with_state", GlobalKind.REBUILD_PARAMETER_WITH_STATE, null);
        Object[][] storages = {
            {"FloatStorage", DType.F32}, {"HalfStorage", DType.F16}, {"BFloat16Storage", DType.BF16},
            {"DoubleStorage", DType.F64}, {"LongStorage", DType.I64}, {"IntStorage", DType.I32},
            {"ShortStorage", DType.I16}, {"CharStorage", DType.I8}, {"ByteStorage", DType.U8},
            {"BoolStorage", DType.BOOL},
        };
        for (Object[] s : storages) {
            put(m, "torch", (String) s[0], GlobalKind.STORAGE_TYPE, (DType) s[1]);
        }
        put(m, "torch", "UntypedStorage", GlobalKind.UNTYPED_STORAGE, DType.U8);
        put(m, "torch.storage", "UntypedStorage", GlobalKind.UNTYPED_STORAGE, DType.U8);
        for (String s : List.of("ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QUInt8Storage",
                "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage")) {
            put(m, "torch", s, GlobalKind.UNSUPPORTED_STORAGE_TYPE, null);
        }
        Object[][] dtypes = {
            {"float32", DType.F32}, {"float", DType.F32}, {"float16", DType.F16}, {"half", DType.F16},
            {"bfloat16", DType.BF16}, {"float64", DType.F64}, {"double", DType.F64}, {"int64", DType.I64},
            {"long", DType.I64}, {"int32", DType.I32}, {"int", DType.I32}, {"int16", DType.I16},
            {"short", DType.I16}, {"int8", DType.I8}, {"uint8", DType.U8}, {"bool", DType.BOOL},
        };
        for (Object[] d : dtypes) {
            put(m, "torch", (String) d[0], GlobalKind.DTYPE, (DType) d[1]);
        }
        return Map.copyOf(m);
    }

    private static void put(Map<String, TorchGlobal> m, String module, String name, GlobalKind kind, DType dtype) {
        m.put(module + "\n" + name, new TorchGlobal(module, name, kind, dtype));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The machine

    private Object run() {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case PROTO -> {
                    int version = u8();
                    if (version < 2 || version > 5) {
                        throw failAt(at, "pickle protocol " + version + " is not one torch.save writes");
                    }
                }
                case FRAME -> skip(8);
                case STOP -> {
                    if (stackSize == 0) {
                        throw failAt(at, "the pickle ends without a value");
                    }
                    return stack[stackSize - 1];
                }
                case MARK -> pushMark(at);
                case EMPTY_DICT -> push(at, new PyDict());
                case EMPTY_LIST -> push(at, new PyList());
                case EMPTY_TUPLE -> push(at, new PyTuple(List.of()));
                case BINUNICODE -> push(at, string(at, u32()));
                case SHORT_BINUNICODE -> push(at, string(at, u8()));
                case BINUNICODE8 -> push(at, string(at, s64()));
                case BINPUT -> memoPut(at, u8());
                case LONG_BINPUT -> memoPut(at, u32());
                case MEMOIZE -> memoPut(at, memo.size());
                case BINGET -> memoGet(at, u8());
                case LONG_BINGET -> memoGet(at, u32());
                case BININT -> push(at, (long) s32());
                case BININT1 -> push(at, (long) u8());
                case BININT2 -> push(at, (long) (u8() | (u8() << 8)));
                case LONG1 -> push(at, long1(at));
                case NEWTRUE -> push(at, Boolean.TRUE);
                case NEWFALSE -> push(at, Boolean.FALSE);
                case NONE -> push(at, null);
                case BINFLOAT -> push(at, Double.longBitsToDouble(bigEndianLong()));
                case TUPLE -> push(at, tuple(at, popMark(at)));
                case TUPLE1 -> push(at, tupleOfTop(at, 1));
                case TUPLE2 -> push(at, tupleOfTop(at, 2));
                case TUPLE3 -> push(at, tupleOfTop(at, 3));
                case SETITEM -> setItems(at, stackSize - 2);
                case SETITEMS -> setItems(at, popMark(at));
                case APPEND -> appends(at, stackSize - 1);
                case APPENDS -> appends(at, popMark(at));
                case GLOBAL -> push(at, global(at, line(at), line(at)));
                case STACK_GLOBAL -> {
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw failAt(at, "STACK_GLOBAL expects two strings");
                    }
                    push(at, global(at, m, n));
                }
                case REDUCE -> {
                    Object args = pop(at);
                    Object callable = pop(at);
                    push(at, reduce(at, callable, args));
                }
                case BUILD -> build(at);
                case BINPERSID -> push(at, persistentLoad(at, pop(at)));
                default -> throw failAt(at, String.format("opcode 0x%02x is not one a PyTorch state dict uses", op));
            }
        }
    }

    private Object global(int at, String module, String name) {
        TorchGlobal g = ALLOWED.get(module + "\n" + name);
        if (g == null) {
            throw new CheckpointException(file, "refusing to load: the pickle asks for " + printable(module) + "."
                    + printable(name) + ", which is not part of a PyTorch state dict");
        }
        return g;
    }

    private Object reduce(int at, Object callable, Object args) {
        if (!(callable instanceof TorchGlobal g)) {
            throw failAt(at, "REDUCE on " + typeName(callable) + ", which cannot be called");
        }
        if (!(args instanceof PyTuple a)) {
            throw failAt(at, "REDUCE with " + typeName(args) + " as arguments instead of a tuple");
        }
        return switch (g.kind()) {
            case ORDERED_DICT -> {
                if (a.size() != 0) {
                    throw failAt(at, "collections.OrderedDict called with arguments");
                }
                yield new PyDict();
            }
            case REBUILD_TENSOR -> rebuildTensor(at, g, a, 4, 4, null);
            case REBUILD_TENSOR_V2 -> rebuildTensor(at, g, a, 6, 7, null);
            case REBUILD_TENSOR_V3 -> {
                arity(at, g, a, 7, 8);
                if (!(a.get(6) instanceof TorchGlobal d) || d.kind() != GlobalKind.DTYPE) {
                    throw failAt(at, g.qualifiedName() + " expects a dtype, got " + typeName(a.get(6)));
                }
                yield rebuildTensor(at, g, a, 7, 8, d.dtype());
            }
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                int n = g.kind() == GlobalKind.REBUILD_PARAMETER ? 3 : 4;
                arity(at, g, a, n, n);
                if (!(a.get(0) instanceof TensorRef t)) {
                    throw failAt(at, g.qualifiedName() + " expects a tensor, got " + typeName(a.get(0)));
                }
                yield t;
            }
            default -> throw failAt(at, g.qualifiedName() + " cannot be called");
        };
    }

    private TensorRef rebuildTensor(int at, TorchGlobal g, PyTuple a, int min, int max, DType dtype) {
        arity(at, g, a, min, max);
        if (!(a.get(0) instanceof StorageRef storage)) {
            throw failAt(at, g.qualifiedName() + " expects a storage, got " + typeName(a.get(0)));
        }
        if (!(a.get(1) instanceof Long offset)) {
            throw failAt(at, g.qualifiedName() + " expects an integer storage offset, got " + typeName(a.get(1)));
        }
        long[] shape = longs(at, g, "size", a.get(2));
        long[] stride = longs(at, g, "stride", a.get(3));
        if (shape.length != stride.length) {
            throw failAt(at, g.qualifiedName() + " has " + shape.length + " sizes but " + stride.length + " strides");
        }
        return new TensorRef(storage, dtype == null ? storage.dtype() : dtype, offset, shape, stride);
    }

    private void arity(int at, TorchGlobal g, PyTuple a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw failAt(at, g.qualifiedName() + " called with " + a.size() + " arguments");
        }
    }

    private long[] longs(int at, TorchGlobal g, String what, Object value) {
        if (!(value instanceof PyTuple t) || t.size() > MAX_DIMS) {
            throw failAt(at, g.qualifiedName() + " expects its " + what + " as a tuple of at most " + MAX_DIMS
                    + " integers, got " + typeName(value));
        }
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v)) {
                throw failAt(at, g.qualifiedName() + " expects integers in its " + what + ", got "
                        + typeName(t.get(i)));
            }
            out[i] = v;
        }
        return out;
    }

    private StorageRef persistentLoad(int at, Object pid) {
        if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
            throw failAt(at, "persistent id " + typeName(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (!(t.get(1) instanceof TorchGlobal type)) {
            throw failAt(at, "persistent id names " + typeName(t.get(1)) + " instead of a storage type");
        }
        if (type.kind() == GlobalKind.UNSUPPORTED_STORAGE_TYPE) {
            throw new CheckpointException(file, "holds a " + type.qualifiedName() + " tensor; FineScope reads "
                    + "float, integer and bool tensors only");
        }
        if (type.kind() != GlobalKind.STORAGE_TYPE && type.kind() != GlobalKind.UNTYPED_STORAGE) {
            throw failAt(at, "persistent id names " + type.qualifiedName() + " instead of a storage type");
        }
        if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String location)
                || !(t.get(4) instanceof Long numel) || numel < 0) {
            throw failAt(at, "persistent id for a storage is not (str key, str location, int numel)");
        }
        return new StorageRef(key, type.dtype(), numel, location);
    }

    private void build(int at) {
        pop(at);
        Object target = peek(at);
        if (!(target instanceof PyDict) && !(target instanceof TensorRef)) {
            throw failAt(at, "BUILD on " + typeName(target) + " is not part of a PyTorch state dict");
        }
        // The state is an ordered dict's _metadata (module versions) or a tensor's Python attributes: neither
        // matters for reading weights, and keeping the state out of the result keeps it inert.
    }

    private void setItems(int at, int from) {
        if (from - 1 < floor() || from > stackSize || (stackSize - from) % 2 != 0) {
            throw failAt(at, "SETITEM(S) without a dict and key/value pairs on the stack");
        }
        if (!(stack[from - 1] instanceof PyDict dict)) {
            throw failAt(at, "SETITEM(S) on " + typeName(stack[from - 1]) + " instead of a dict");
        }
        for (int i = from; i < stackSize; i += 2) {
            Object key = stack[i];
            if (key != null && !(key instanceof String) && !(key instanceof Long) && !(key instanceof Boolean)
                    && !(key instanceof Double)) {
                throw failAt(at, "a dict key of type " + typeName(key) + " is not part of a PyTorch state dict");
            }
            countItems(at, 1);
            dict.items.put(key, stack[i + 1]);
        }
        truncate(from);
    }

    private void appends(int at, int from) {
        if (from - 1 < floor() || from > stackSize) {
            throw failAt(at, "APPEND(S) without a list on the stack");
        }
        if (!(stack[from - 1] instanceof PyList list)) {
            throw failAt(at, "APPEND(S) on " + typeName(stack[from - 1]) + " instead of a list");
        }
        countItems(at, stackSize - from);
        for (int i = from; i < stackSize; i++) {
            list.items.add(stack[i]);
        }
        truncate(from);
    }

    private PyTuple tuple(int at, int from) {
        countItems(at, stackSize - from);
        PyTuple t = new PyTuple(new ArrayList<>(Arrays.asList(stack).subList(from, stackSize)));
        truncate(from);
        return t;
    }

    private PyTuple tupleOfTop(int at, int n) {
        if (stackSize - n < floor()) {
            throw failAt(at, "a tuple of " + n + " with fewer values on the stack");
        }
        return tuple(at, stackSize - n);
    }

    private void countItems(int at, long n) {
        items += n;
        if (items > MAX_ITEMS) {
            throw failAt(at, "more than " + MAX_ITEMS + " values in containers; not a state dict");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stack, marks and memo

    /** The lowest stack index the current mark region may touch. */
    private int floor() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void push(int at, Object value) {
        if (stackSize == MAX_STACK) {
            throw failAt(at, "more than " + MAX_STACK + " values on the pickle stack");
        }
        if (stackSize == stack.length) {
            stack = Arrays.copyOf(stack, Math.min(MAX_STACK, stack.length * 2));
        }
        stack[stackSize++] = value;
    }

    private Object pop(int at) {
        if (stackSize <= floor()) {
            throw failAt(at, "the pickle stack is empty where a value is needed");
        }
        Object v = stack[--stackSize];
        stack[stackSize] = null;
        return v;
    }

    private Object peek(int at) {
        if (stackSize <= floor()) {
            throw failAt(at, "the pickle stack is empty where a value is needed");
        }
        return stack[stackSize - 1];
    }

    private void truncate(int size) {
        Arrays.fill(stack, size, stackSize, null);
        stackSize = size;
    }

    private void pushMark(int at) {
        if (markCount == MAX_MARKS) {
            throw failAt(at, "more than " + MAX_MARKS + " nested marks");
        }
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, Math.min(MAX_MARKS, marks.length * 2));
        }
        marks[markCount++] = stackSize;
    }

    private int popMark(int at) {
        if (markCount == 0) {
            throw failAt(at, "no mark on the stack");
        }
        return marks[--markCount];
    }

    private void memoPut(int at, long index) {
        Object value = peek(at);
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw failAt(at, "more than " + MAX_MEMO + " memo entries");
        }
        memo.put(index, value);
    }

    private void memoGet(int at, long index) {
        if (!memo.containsKey(index)) {
            throw failAt(at, "memo entry " + index + " is read before it is written");
        }
        push(at, memo.get(index));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading bytes

    private void need(long n) {
        if (n > data.length - pos) {
            throw failAt(pos, "the pickle ends in the middle of a value");
        }
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    private void skip(int n) {
        need(n);
        pos += n;
    }

    private long u32() {
        need(4);
        long v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8 | (data[pos + 2] & 0xffL) << 16
                | (data[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    private int s32() {
        return (int) u32();
    }

    private long s64() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (data[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    private long bigEndianLong() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (data[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    private long long1(int at) {
        int n = u8();
        if (n > 8) {
            throw failAt(at, "an integer of " + n + " bytes, wider than a tensor geometry needs");
        }
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (data[pos + i] & 0xffL);
        }
        if (n > 0 && n < 8 && (data[pos + n - 1] & 0x80) != 0) {
            v |= -1L << (8 * n);
        }
        pos += n;
        return v;
    }

    private String string(int at, long length) {
        if (length < 0) {
            throw failAt(at, "a string of negative length");
        }
        need(length);
        int n = (int) length;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, pos, n));
            pos += n;
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw failAt(at, "a string that is not valid UTF-8");
        }
    }

    /** A GLOBAL operand: ASCII up to a newline. */
    private String line(int at) {
        int start = pos;
        int limit = Math.min(data.length, pos + 256);
        for (int i = start; i < limit; i++) {
            if (data[i] == '\n') {
                pos = i + 1;
                return new String(data, start, i - start, StandardCharsets.ISO_8859_1);
            }
        }
        throw failAt(at, "GLOBAL without a newline-terminated name");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages

    private CheckpointException failAt(int at, String problem) {
        return new CheckpointException(file, entry + " at byte " + at + ": " + problem);
    }

    /** A name from the file, safe to put in a one-line message. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int shown = Math.min(s.length(), 120);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (shown < s.length()) {
            b.append("...");
        }
        return b.toString();
    }

    static String typeName(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof TorchGlobal g) {
            return g.qualifiedName();
        }
        if (v instanceof PyTuple t) {
            return "a tuple of " + t.size();
        }
        if (v instanceof PyList) {
            return "a list";
        }
        if (v instanceof PyDict) {
            return "a dict";
        }
        if (v instanceof TensorRef) {
            return "a tensor";
        }
        if (v instanceof StorageRef) {
            return "a storage";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Long) {
            return "an integer";
        }
        if (v instanceof Double) {
            return "a float";
        }
        if (v instanceof Boolean) {
            return "a bool";
        }
        return v.getClass().getSimpleName();
    }
}
