package dev.finescope.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.chart.ChartExport;
import dev.finescope.checkpoint.overlay.BuiltinModels;
import dev.finescope.common.AtomicFiles;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.WorkspaceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code workspace.json}: a base model, its fine-tuned models, a runs folder and task data, by path. Paths are
 * stored relative to the workspace folder where they can be, so that a workspace moves or ships (the sample
 * workspace does) together with its models.
 *
 * <pre>{@code
 * {
 *   "base": "models/MiniLM-L6",
 *   "tuned": [ {"label": "full fine-tune", "path": "models/full", "kind": "folder"} ],
 *   "runs": "runs",
 *   "data": "data/uci-sentiment"
 * }
 * }</pre>
 */
public final class WorkspaceFile {

    private static final Logger LOGGER = LoggerFactory.getLogger(WorkspaceFile.class);
    public static final String FILE_NAME = "workspace.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What a workspace file says, with every path absolute.
     *
     * @param folder the folder holding the file
     * @param runs   where runs go; null when the file names none
     * @param data   task data; null when the file names none
     */
    public record Contents(Path folder, Path base, List<TunedModel> tuned, Path runs, Path data) {
        public Contents {
            tuned = List.copyOf(tuned);
        }
    }

    private WorkspaceFile() {
    }

    /** True when {@code folder} is a folder that holds a workspace file. */
    public static boolean isWorkspace(Path folder) {
        return Files.isDirectory(folder) && Files.isRegularFile(folder.resolve(FILE_NAME));
    }

    /**
     * The built-in model that the workspace in {@code folderOrFile} names as its base ({@code "builtin:NAME"}),
     * without resolving it; empty for any other base, or when there is no readable workspace file there (reading
     * it later says why).
     */
    public static Optional<String> builtinBase(Path folderOrFile) {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
        try {
            JsonNode base = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)).get("base");
            if (base != null && base.isTextual() && base.asText().startsWith(BuiltinModels.PREFIX)) {
                return Optional.of(base.asText().substring(BuiltinModels.PREFIX.length()));
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("{} names no built-in base: {}", file, e.toString());
        }
        return Optional.empty();
    }

    /** Reads the workspace in {@code folderOrFile} (the folder or its {@code workspace.json}). */
    public static Contents read(Path folderOrFile) {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
        file = file.toAbsolutePath().normalize();
        Path folder = file.getParent();
        if (!Files.isRegularFile(file)) {
            throw new WorkspaceException(file, "no workspace file here");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new WorkspaceException(file, "is not valid JSON (line " + e.getLocation().getLineNr() + ")", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new WorkspaceException(file, "is not a workspace file: it is not UTF-8 text (a workspace is JSON)", e);
        } catch (IOException e) {
            throw new WorkspaceException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new WorkspaceException(file, "must hold a JSON object");
        }
        Path base = path(file, folder, root, "base", true);
        List<TunedModel> tuned = new ArrayList<>();
        JsonNode list = root.get("tuned");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new WorkspaceException(file, "'tuned' must be a list");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode t = list.get(i);
                String where = "tuned[" + i + "]";
                if (!t.isObject()) {
                    throw new WorkspaceException(file, where + " must be an object with 'path'");
                }
                Path p = path(file, folder, t, "path", true);
                String label = t.hasNonNull("label") ? t.get("label").asText() : labelOf(p);
                TunedModel.Kind kind = kind(file, where, t.get("kind"));
                tuned.add(new TunedModel(label, p, kind));
            }
        }
        return new Contents(folder, base, tuned, path(file, folder, root, "runs", false),
                path(file, folder, root, "data", false));
    }

    /** Writes {@code contents} to its folder's workspace file, atomically, paths relative where possible. */
    public static Path write(Contents contents) throws IOException {
        Path folder = contents.folder().toAbsolutePath().normalize();
        Files.createDirectories(folder);
        ObjectNode root = JSON.createObjectNode();
        root.put("base", relative(folder, contents.base()));
        ArrayNode tuned = root.putArray("tuned");
        for (TunedModel t : contents.tuned()) {
            tuned.addObject().put("label", t.label()).put("path", relative(folder, t.path()))
                    .put("kind", t.kind().name().toLowerCase(Locale.ROOT));
        }
        if (contents.runs() != null) {
            root.put("runs", relative(folder, contents.runs()));
        }
        if (contents.data() != null) {
            root.put("data", relative(folder, contents.data()));
        }
        byte[] bytes = (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = folder.resolve(FILE_NAME);
        AtomicFiles.write(file, out -> out.write(bytes));
        return file;
    }

    /**
     * The name a model goes by when nobody named it: its folder's or file's name; a run's overlay goes by its run
     * folder's name, as every run's is {@code overlay.safetensors}.
     */
    public static String labelOf(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        if (name != null && name.toString().equals("overlay.safetensors") && abs.getParent() != null
                && abs.getParent().getFileName() != null) {
            return abs.getParent().getFileName().toString();
        }
        return name == null ? p.toString() : name.toString();
    }

    private static Path path(Path file, Path folder, JsonNode node, String key, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new WorkspaceException(file, "has no '" + key + "'");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new WorkspaceException(file, "'" + key + "' must be a path");
        }
        String text = v.asText();
        if (text.startsWith(BuiltinModels.PREFIX)) {
            String name = text.substring(BuiltinModels.PREFIX.length());
            try {
                return BuiltinModels.resolve(name).orElseThrow(() -> new WorkspaceException(file, "'" + key
                        + "' names the built-in model '" + name + "', which this FineScope does not have"));
            } catch (dev.finescope.checkpoint.CheckpointException e) {
                throw new WorkspaceException(file, "'" + key + "': " + e.getMessage(), e);
            }
        }
        try {
            return folder.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new WorkspaceException(file, "'" + key + "' is not a valid path: " + v.asText(), e);
        }
    }

    private static TunedModel.Kind kind(Path file, String where, JsonNode v) {
        if (v == null || v.isNull()) {
            return TunedModel.Kind.FOLDER;
        }
        try {
            return TunedModel.Kind.valueOf(v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new WorkspaceException(file, where + ".kind must be 'folder' or 'overlay', not '" + v.asText()
                    + "'");
        }
    }

    private static String relative(Path folder, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        for (String name : BuiltinModels.names()) {
            if (BuiltinModels.resolve(name).map(b -> b.toAbsolutePath().normalize().equals(abs)).orElse(false)) {
                return BuiltinModels.hint(name);
            }
        }
        try {
            return abs.getRoot().equals(folder.getRoot())
                    ? folder.relativize(abs).toString().replace('\\', '/') : abs.toString();
        } catch (IllegalArgumentException e) {
            return abs.toString();
        }
    }
}
