package dev.finescope.checkpoint.overlay;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base ⊕ overlay as one checkpoint: the base's tensors in the base's order, each replaced one taken from the
 * overlay, each masked one computed on the fly from base and mask, then the overlay's head tensors that the base
 * lacks. It is a view: it reads from the base and the overlay, which stay open while it is used, and closing it
 * closes neither.
 */
final class OverlaidCheckpoint implements Checkpoint {

    private final Overlay overlay;
    private final Map<String, Tensor> tensors;
    private final List<String> names;

    OverlaidCheckpoint(Overlay overlay, Checkpoint base) {
        this.overlay = overlay;
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (String name : base.tensorNames()) {
            Tensor t;
            if (overlay.isReplaced(name) || overlay.isHead(name)) {
                t = overlay.storedTensor(name);
            } else if (overlay.isMasked(name)) {
                t = new MaskedTensor(base.tensor(name), overlay.storedTensor(Overlay.MASK_PREFIX + name));
            } else {
                t = base.tensor(name);
            }
            map.put(name, t);
        }
        for (String name : overlay.headNames()) {
            map.putIfAbsent(name, overlay.storedTensor(name));
        }
        this.tensors = Collections.unmodifiableMap(map);
        this.names = List.copyOf(new ArrayList<>(map.keySet()));
    }

    @Override
    public Path source() {
        return overlay.file();
    }

    @Override
    public List<String> tensorNames() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(overlay.file(), "base ⊕ overlay has no tensor " + Messages.quote(name));
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return overlay.metadata();
    }

    @Override
    public void close() {
        // a view: the base and the overlay belong to whoever opened them
    }

    @Override
    public String toString() {
        return "base ⊕ " + overlay.file();
    }
}
