package dev.finescope.cli;

import dev.finescope.checkpoint.UserDirectories;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The one rule of every command's paths, checked before any work: an output is never an input, never inside an
 * input folder and never a folder that holds an input; a folder to write is new or empty (or what the command
 * itself may go on with); every output's place can be written; and while the command runs, no other
 * {@code finescope} writes the same output. Paths are compared after symbolic links are resolved, so another
 * spelling of an input, or a link to it, is the input.
 *
 * <p>A command declares its inputs and outputs, calls {@link #check()} and works inside the returned object's
 * {@code try}, which holds a lock per output until it is closed. A problem is a {@link BadInputException} whose
 * message names the path and the reason: one line, exit code 2.
 */
final class OutputPaths implements AutoCloseable {

    /** Marks a command's option or parameter that names something the command reads. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Reads {
    }

    /**
     * Marks a command's option that names something the command writes: it must go through {@link #check()}
     * (the command-line tests drive every such option onto every input).
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface Writes {
    }

    /** What an existing, non-empty output folder may hold for the command to go on (never, by default). */
    static final Predicate<Path> NEVER = folder -> false;

    private record Input(String noun, Path given, Path real, Path link, boolean folder) {
    }

    private record Output(String option, Path given, boolean folder, boolean createsParents,
                          Predicate<Path> mayHold) {
    }

    private final List<Input> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final List<Held> locks = new ArrayList<>();

    private OutputPaths() {
    }

    /** A new set of declarations. */
    static OutputPaths of() {
        return new OutputPaths();
    }

    /**
     * An input the command reads: a file, or a folder all of whose contents count as read. A path that does not
     * exist is left to the command, which says so in its own words; null is ignored.
     */
    OutputPaths input(String noun, Path path) {
        if (path == null || !Files.exists(path)) {
            return this;
        }
        try {
            Path real = path.toRealPath();
            inputs.add(new Input(noun, path, real, placeOf(path), Files.isDirectory(real)));
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot be read: " + reason(e), e);
        }
        return this;
    }

    /** Several inputs of one kind. */
    OutputPaths inputs(String noun, List<Path> paths) {
        if (paths != null) {
            paths.forEach(p -> input(noun, p));
        }
        return this;
    }

    /** A file the command writes; its folder must exist. Null is ignored. */
    OutputPaths file(String option, Path path) {
        return add(new Output(option, path, false, false, NEVER));
    }

    /** A file the command writes, creating its folder when missing. Null is ignored. */
    OutputPaths fileInNewFolder(String option, Path path) {
        return add(new Output(option, path, false, true, NEVER));
    }

    /** Files the command writes, each in an existing folder. */
    OutputPaths files(String option, List<Path> paths) {
        paths.forEach(p -> file(option, p));
        return this;
    }

    /** A folder the command creates or fills: new, or empty. Null is ignored. */
    OutputPaths folder(String option, Path path) {
        return folder(option, path, NEVER);
    }

    /** A folder the command creates or fills: new, empty, or one that {@code mayHold} accepts. */
    OutputPaths folder(String option, Path path, Predicate<Path> mayHold) {
        return add(new Output(option, path, true, true, mayHold));
    }

    private OutputPaths add(Output o) {
        if (o.given() != null) {
            outputs.add(o);
        }
        return this;
    }

    /**
     * Checks every output against the rule and locks it for this process; throws a {@link BadInputException}
     * (nothing locked then) at the first problem.
     */
    OutputPaths check() {
        try {
            Map<Path, Output> seen = new HashMap<>();
            List<Path> reals = new ArrayList<>();
            for (Output o : outputs) {
                Path real = resolve(o.given());
                Output before = seen.putIfAbsent(real, o);
                if (before != null) {
                    throw new BadInputException(o.given() + ": named for two outputs ("
                            + before.option() + " and " + o.option() + ")");
                }
                checkAgainstInputs(o, real);
                reals.add(real);
            }
            for (int i = 0; i < outputs.size(); i++) {
                lock(outputs.get(i), reals.get(i));
            }
            for (int i = 0; i < outputs.size(); i++) {
                checkPlace(outputs.get(i), reals.get(i));
            }
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void checkAgainstInputs(Output o, Path real) {
        Path out = o.given();
        if (!o.folder() && Files.isDirectory(real)) {
            throw new BadInputException(out + ": is a folder; give a file name");
        }
        if (o.folder() && Files.exists(real) && !Files.isDirectory(real)) {
            throw new BadInputException(out + ": exists and is not a folder; choose a new or empty folder");
        }
        for (Input in : inputs) {
            if (in.folder() && (real.equals(in.real()) || real.equals(in.link()))) {
                throw new BadInputException(out + ": is the input folder " + in.given() + "; write elsewhere");
            }
            if (real.equals(in.real()) || real.equals(in.link())) {
                throw new BadInputException(out + ": is an input " + in.noun() + "; refusing to overwrite it");
            }
            if (in.folder() && real.startsWith(in.real())) {
                throw new BadInputException(out + ": lies inside the input folder " + in.given()
                        + "; write it elsewhere");
            }
            if (o.folder() && (in.real().startsWith(real) || in.link().startsWith(real))) {
                throw new BadInputException(out + ": holds the input " + in.noun() + " " + in.given()
                        + "; choose another folder");
            }
        }
    }

    private void checkPlace(Output o, Path real) {
        Path out = o.given();
        Path parent = real.getParent();
        if (!o.createsParents() && (parent == null || !Files.isDirectory(parent))) {
            throw new BadInputException(out + ": the folder " + out.toAbsolutePath().getParent()
                    + " does not exist");
        }
        if (o.folder() && Files.isDirectory(real)) {
            Set<String> names = contents(real);
            if (!names.isEmpty() && !o.mayHold().test(real)) {
                throw new BadInputException(out + ": is not empty (it holds " + list(names)
                        + "); choose a new or empty folder");
            }
        }
        Path existing = o.folder() && Files.isDirectory(real) ? real : nearestExisting(parent);
        if (existing == null || !Files.isDirectory(existing)) {
            throw new BadInputException(out + ": cannot be written: " + existing + " is not a folder");
        }
        probeWritable(out, existing);
    }

    /** Writes and removes a probe file in {@code folder}: the only answer that holds for every user and mount. */
    private static void probeWritable(Path out, Path folder) {
        Path probe = null;
        try {
            probe = Files.createTempFile(folder, ".finescope-write-check-", ".tmp");
        } catch (AccessDeniedException e) {
            throw new BadInputException(out + ": cannot be written: " + folder + " does not let us write (permission "
                    + "denied)", e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException(out + ": cannot be written: " + folder + " takes no new files", e);
        } catch (IOException e) {
            String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName();
            throw new BadInputException(out + ": cannot be written: " + folder + " takes no new files (" + why + ")",
                    e);
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException e) {
                    // a stray probe file is harmless; the write itself is what counts
                }
            }
        }
    }

    private static Set<String> contents(Path folder) {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new BadInputException(folder + ": cannot be listed: " + reason(e), e);
        }
        return names;
    }

    private static String list(Set<String> names) {
        List<String> first = names.stream().limit(3).toList();
        return String.join(", ", first) + (names.size() > first.size() ? " and " + (names.size() - first.size())
                + " more" : "");
    }

    // ------------------------------------------------------------------------------------------------ locks

    private void lock(Output o, Path real) {
        Path file = lockFile(real);
        if (file == null) {
            return;
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new BadInputException(o.given() + ": another finescope command is writing it now; wait for "
                        + "it to end or choose another " + (o.folder() ? "folder" : "file"));
            }
            locks.add(new Held(ch, lock));
        } catch (IOException e) {
            // without a place for locks the command still runs, as it did before locks existed
            closeQuietly(ch);
        }
    }

    /** The lock file of an output: one per real path, in the per-user cache (nothing is left beside the output). */
    private static Path lockFile(Path real) {
        String name = sha256(real.toString()) + ".lock";
        for (Path dir : List.of(UserDirectories.cache().resolve("locks"),
                Path.of(System.getProperty("java.io.tmpdir"), "finescope-locks-"
                        + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_")))) {
            try {
                Files.createDirectories(dir);
                return dir.resolve(name);
            } catch (IOException | RuntimeException e) {
                // try the next place
            }
        }
        return null;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Releases the locks. */
    @Override
    public void close() {
        for (Held h : locks) {
            try {
                h.lock().release();
            } catch (IOException e) {
                // closing the channel releases it too
            }
            closeQuietly(h.channel());
        }
        locks.clear();
    }

    private record Held(FileChannel channel, FileLock lock) {
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing more to release
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ paths

    /**
     * Where a path leads once every link on the way is followed: its nearest existing ancestor's real path with
     * the rest of the names appended, or, when it exists, its own real path.
     */
    static Path resolve(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs)) {
                return abs.toRealPath();
            }
            Path existing = nearestExisting(abs);
            if (existing == null) {
                return abs;
            }
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            throw new BadInputException(p + ": cannot be resolved: " + reason(e), e);
        }
    }

    /** The place a path names, its last name not followed if it is a link: where a write would land. */
    private static Path placeOf(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) {
            return abs.toRealPath();
        }
        return resolve(parent).resolve(abs.getFileName().toString());
    }

    private static Path nearestExisting(Path p) {
        Path q = p == null ? null : p.toAbsolutePath().normalize();
        while (q != null && !Files.exists(q, LinkOption.NOFOLLOW_LINKS)) {
            q = q.getParent();
        }
        return q;
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
