package dev.finescope.checkpoint.overlay;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Base models that ship with FineScope, by name. An overlay trained on the built-in base names it as
 * {@code builtin:NAME} rather than by a path, because the imported copy lives in each user's cache folder and
 * is made on first use; whoever can make it (the app, the command line) registers a supplier here, and
 * opening such an overlay asks for the folder only then.
 */
public final class BuiltinModels {

    /** The prefix of a base hint that names a built-in model. */
    public static final String PREFIX = "builtin:";

    private static final Map<String, Supplier<Path>> MODELS = new ConcurrentHashMap<>();
    private static final Map<String, Supplier<Optional<Path>>> MADE = new ConcurrentHashMap<>();

    private BuiltinModels() {
    }

    /**
     * Registers (or replaces) the built-in model {@code name}: {@code folder} gives its model folder, importing
     * it first if need be; it may throw a {@link dev.finescope.checkpoint.CheckpointException} when it cannot.
     */
    public static void register(String name, Supplier<Path> folder) {
        if (name == null || name.isBlank() || name.contains(":")) {
            throw new IllegalArgumentException("a built-in model needs a name without ':', not '" + name + "'");
        }
        MODELS.put(name, Objects.requireNonNull(folder, "folder"));
    }

    /**
     * As {@link #register(String, Supplier)}, with {@code made} telling where the model's folder is when it has
     * been made already, without making it.
     */
    public static void register(String name, Supplier<Path> folder, Supplier<Optional<Path>> made) {
        register(name, folder);
        MADE.put(name, Objects.requireNonNull(made, "made"));
    }

    /** Forgets {@code name}; for tests and for shutting down. */
    public static void unregister(String name) {
        MODELS.remove(name);
        MADE.remove(name);
    }

    /**
     * The folder of the built-in model {@code name} when it exists already (never made now); empty when it does
     * not, or when its registration cannot tell.
     */
    public static Optional<Path> made(String name) {
        Supplier<Optional<Path>> s = MADE.get(name);
        return s == null ? Optional.empty() : s.get();
    }

    /** The folder of the built-in model {@code name}, made now if need be; empty when none is registered. */
    public static Optional<Path> resolve(String name) {
        Supplier<Path> s = MODELS.get(name);
        return s == null ? Optional.empty() : Optional.ofNullable(s.get());
    }

    /** The registered names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(MODELS.keySet());
    }

    /** The base hint for the built-in model {@code name}: {@code builtin:NAME}. */
    public static String hint(String name) {
        return PREFIX + name;
    }
}
