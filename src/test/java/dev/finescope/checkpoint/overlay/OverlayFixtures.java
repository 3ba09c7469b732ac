package dev.finescope.checkpoint.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.UserDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The fixtures of {@code src/test/python/make_fixtures.py} (the tiny BERT) and
 * {@code src/test/python/checkpoint/make_overlay_fixtures.py} (an overlay written by numpy, the values base ⊕
 * overlay must have, and fingerprints computed by Python), plus helpers to make broken overlays from good ones.
 */
final class OverlayFixtures {

    static final String REPLACED = "bert.encoder.layer.1.attention.self.query.weight";
    static final String MASKED_FFN = "bert.encoder.layer.0.intermediate.dense.weight";
    static final String MASKED_POOLER_BIAS = "bert.pooler.dense.bias";

    private static final ObjectMapper JSON = new ObjectMapper();

    private OverlayFixtures() {
    }

    static Path resource(String name) {
        URL url = OverlayFixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tinyBase() {
        return resource("/fixtures/tiny-bert/base");
    }

    static Path tinyTuned() {
        return resource("/fixtures/tiny-bert/tuned");
    }

    static Path numpyOverlay() {
        return resource("/fixtures/overlay/numpy-overlay.safetensors");
    }

    static Path numpyCombined() {
        return resource("/fixtures/overlay/numpy-combined.safetensors");
    }

    static JsonNode expected() {
        try {
            return JSON.readTree(resource("/fixtures/overlay/expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the user cache at {@code folder} so that tests never touch the real one. */
    static void useCache(Path folder) {
        System.setProperty(UserDirectories.CACHE_PROPERTY, folder.toString());
    }

    static void forgetCache() {
        System.clearProperty(UserDirectories.CACHE_PROPERTY);
    }

    static byte[] bytes(Tensor t) {
        ByteBuffer b = t.bytes(0, (int) t.numel()).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A copy of every file of {@code folder} in a new folder {@code target}. */
    static Path copyFolder(Path folder, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path f : files.toList()) {
                    Files.copy(f, target.resolve(f.getFileName().toString()));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a test changes a file on its way through {@link #rewrite}. */
    static final class Edit {
        final Map<String, String> metadata;
        final Map<String, byte[]> raw = new LinkedHashMap<>();
        final Map<String, long[]> shapes = new LinkedHashMap<>();

        Edit(Map<String, String> metadata) {
            this.metadata = new LinkedHashMap<>(metadata);
        }

        /** Replaces tensor {@code name}'s bytes (U8 of that length unless a shape is given). */
        Edit raw(String name, byte[] bytes) {
            raw.put(name, bytes);
            return this;
        }
    }

    /** A copy of safetensors file {@code source} at {@code target}, changed by {@code edit}. */
    static Path rewrite(Path source, Path target, Consumer<Edit> edit) {
        try (Checkpoint c = SafetensorsReader.open(source)) {
            Edit e = new Edit(c.metadata());
            edit.accept(e);
            SafetensorsWriter w = new SafetensorsWriter().metadata(e.metadata);
            for (String name : c.tensorNames()) {
                Tensor t = c.tensor(name);
                if (e.raw.containsKey(name)) {
                    byte[] b = e.raw.get(name);
                    w.addRaw(name, t.dtype(), e.shapes.getOrDefault(name, new long[] {b.length / t.dtype().byteSize()}),
                            b);
                } else {
                    w.addCopy(t);
                }
            }
            w.write(target);
            return target;
        }
    }
}
