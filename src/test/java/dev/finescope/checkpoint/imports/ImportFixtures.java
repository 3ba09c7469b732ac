package dev.finescope.checkpoint.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The tiny models written by {@code src/test/python/make_import_fixtures.py} and its reference values. */
final class ImportFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportFixtures() {
    }

    static Path dir() {
        try {
            return Path.of(ImportFixtures.class.getResource("/fixtures/import/reference.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static JsonNode reference() {
        return json(file("reference.json"));
    }

    static JsonNode json(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of a tensor's bytes in its output type, as the fixture script hashes numpy's float32 bytes. */
    static String sha256(Tensor t) {
        MessageDigest md = sha();
        long n = t.numel();
        int chunk = 1 << 18;
        for (long i = 0; i < n; i += chunk) {
            ByteBuffer b = t.bytes(i, (int) Math.min(chunk, n - i));
            md.update(b.duplicate());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * One digest of a whole model: for each tensor in name order its name, a zero byte, its shape as
     * comma-separated numbers, a zero byte and its float32 bytes. {@code make_real_model_reference.py} computes the
     * same from the real files.
     */
    static String modelDigest(List<ImportedTensor> tensors) {
        MessageDigest md = sha();
        tensors.stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(t -> {
            md.update(t.name().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            String shape = String.join(",", Arrays.stream(t.shape()).mapToObj(Long::toString).toList());
            md.update(shape.getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            long n = t.numel();
            int chunk = 1 << 20;
            for (long i = 0; i < n; i += chunk) {
                md.update(t.bytes(i, (int) Math.min(chunk, n - i)).duplicate());
            }
        });
        return HexFormat.of().formatHex(md.digest());
    }

    static long[] shape(JsonNode node) {
        long[] s = new long[node.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = node.get(i).asLong();
        }
        return s;
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
