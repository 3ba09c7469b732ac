package dev.finescope.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where FineScope keeps what it can always rebuild (base fingerprints, the imported built-in model): one folder
 * per user, in the place each platform's own tools look for caches, so that clearing caches the usual way clears
 * ours and nothing lands in a user's model or home folder. The system property {@value #CACHE_PROPERTY} moves
 * it, for tests and for machines whose home is read-only.
 */
public final class UserDirectories {

    /** A system property naming the cache folder; it wins over every platform rule. */
    public static final String CACHE_PROPERTY = "finescope.cache";

    private UserDirectories() {
    }

    /**
     * The per-user cache folder: {@code $XDG_CACHE_HOME/finescope} or {@code ~/.cache/finescope} on Linux and
     * other Unix systems, {@code ~/Library/Caches/FineScope} on macOS, {@code %LOCALAPPDATA%\FineScope\cache} on
     * Windows. It is not created here: writers create it when they first write.
     */
    public static Path cache() {
        return cache(System.getProperty(CACHE_PROPERTY), System.getProperty("os.name", ""), System.getenv(),
                System.getProperty("user.home", ""));
    }

    /** The rule of {@link #cache()} with every input given, so that each platform can be tested anywhere. */
    static Path cache(String override, String osName, Map<String, String> env, String userHome) {
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath().normalize();
        }
        String os = osName.toLowerCase(Locale.ROOT);
        Path home = Path.of(userHome);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            Path base = local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
            return base.resolve("FineScope").resolve("cache");
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return home.resolve("Library").resolve("Caches").resolve("FineScope");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        // the XDG spec says a relative value is invalid and must be ignored
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg).resolve("finescope");
        }
        return home.resolve(".cache").resolve("finescope");
    }

    /**
     * The per-user folder for results that must last (unlike the cache): {@code $XDG_DATA_HOME/finescope} or
     * {@code ~/.local/share/finescope} on Linux, {@code ~/Library/Application Support/FineScope} on macOS,
     * {@code %LOCALAPPDATA%\FineScope\data} on Windows; under the cache folder when {@value #CACHE_PROPERTY} moves
     * that (tests, read-only homes).
     */
    public static Path data() {
        return data(System.getProperty(CACHE_PROPERTY), System.getProperty("os.name", ""), System.getenv(),
                System.getProperty("user.home", ""));
    }

    static Path data(String cacheOverride, String osName, Map<String, String> env, String userHome) {
        if (cacheOverride != null && !cacheOverride.isBlank()) {
            return Path.of(cacheOverride).toAbsolutePath().normalize().resolve("data");
        }
        String os = osName.toLowerCase(Locale.ROOT);
        Path home = Path.of(userHome);
        if (os.startsWith("windows")) {
            String local = env.get("LOCALAPPDATA");
            Path base = local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
            return base.resolve("FineScope").resolve("data");
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return home.resolve("Library").resolve("Application Support").resolve("FineScope");
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg).resolve("finescope");
        }
        return home.resolve(".local").resolve("share").resolve("finescope");
    }

    /**
     * Where the app keeps a workspace's own outputs ({@code kind}: {@code runs}, {@code whatif}): a folder per
     * workspace under {@link #data()}, never the workspace's folder itself, which may be a checkout's
     * {@code sample-models/} or a read-only install folder (the built-in sample stays as shipped).
     */
    public static Path workspaceOutputs(Path workspaceFolder, String kind) {
        return workspaceOutputs(workspaceFolder, kind, data());
    }

    static Path workspaceOutputs(Path workspaceFolder, String kind, Path dataRoot) {
        Path folder = workspaceFolder.toAbsolutePath().normalize();
        String name = folder.getFileName() == null ? "workspace"
                : folder.getFileName().toString().replaceAll("[^A-Za-z0-9._-]+", "-");
        String key = String.format("%08x", folder.toString().hashCode());
        return dataRoot.resolve("workspaces").resolve(name + "-" + key).resolve(kind);
    }

    /**
     * The user's folder for pictures ({@code "PICTURES"}) or documents ({@code "DOCUMENTS"}), where exports go by
     * default: on Linux as {@code ~/.config/user-dirs.dirs} names it ({@code XDG_PICTURES_DIR}), else
     * {@code ~/Pictures} or {@code ~/Documents} (also on macOS and Windows); the home folder when that is missing.
     */
    public static Path userFolder(String kind) {
        return userFolder(kind, System.getProperty("user.home", ""), System.getenv());
    }

    static Path userFolder(String kind, String userHome, Map<String, String> env) {
        Path home = Path.of(userHome);
        String config = env.get("XDG_CONFIG_HOME");
        Path dirs = (config != null && !config.isBlank() && Path.of(config).isAbsolute() ? Path.of(config)
                : home.resolve(".config")).resolve("user-dirs.dirs");
        try {
            if (Files.isRegularFile(dirs)) {
                for (String line : Files.readAllLines(dirs)) {
                    String prefix = "XDG_" + kind + "_DIR=";
                    if (line.startsWith(prefix)) {
                        String value = line.substring(prefix.length()).replace("\"", "").replace("$HOME", userHome);
                        Path p = Path.of(value);
                        if (p.isAbsolute() && Files.isDirectory(p)) {
                            return p;
                        }
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the usual folder below is as good
        }
        Path usual = home.resolve(kind.equals("PICTURES") ? "Pictures" : "Documents");
        return Files.isDirectory(usual) ? usual : home;
    }

    /**
     * Where a workspace's own outputs ({@code wanted}: its runs or what-if folder) go: there when it can be
     * written, else a folder of the same name under {@link #data()}, one per workspace. A workspace installed
     * read-only (the packaged app's sample workspace under {@code /opt}) still gets runs and sweeps.
     */
    public static Path writableOrPerUser(Path wanted, Path workspaceFolder) {
        return writableOrPerUser(wanted, workspaceFolder, UserDirectories::canCreate, data());
    }

    static Path writableOrPerUser(Path wanted, Path workspaceFolder, Predicate<Path> canCreate, Path dataRoot) {
        if (canCreate.test(wanted)) {
            return wanted;
        }
        return workspaceOutputs(workspaceFolder, wanted.getFileName().toString(), dataRoot);
    }

    /** True when {@code p} is a writable folder, or could be made in the nearest existing folder above it. */
    static boolean canCreate(Path p) {
        Path q = p.toAbsolutePath().normalize();
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q != null && Files.isDirectory(q) && Files.isWritable(q);
    }
}
