package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.ModelConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model read from a foreign format, ready to be written as a Hugging Face folder: tensors under their BERT
 * names, the {@code config.json} values found or inferred, the tokenizer files the source had, and notes on
 * what the import did (dequantised, transposed, dropped). Tensors may read from mapped or temporary files that
 * this object owns, so it must be closed after writing.
 */
public final class ImportedModel implements AutoCloseable {

    private final Path source;
    private final SourceKind kind;
    private final List<ImportedTensor> tensors;
    private final Map<String, Object> config;
    private final byte[] vocabTxt;
    private final byte[] tokenizerJson;
    private final Map<String, String> metadata;
    private final List<String> notes;
    private final List<AutoCloseable> resources;

    ImportedModel(Path source, SourceKind kind, List<ImportedTensor> tensors, Map<String, Object> config,
                  byte[] vocabTxt, byte[] tokenizerJson, Map<String, String> metadata, List<String> notes,
                  List<AutoCloseable> resources) {
        this.source = source;
        this.kind = kind;
        this.tensors = List.copyOf(tensors);
        this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        this.vocabTxt = vocabTxt;
        this.tokenizerJson = tokenizerJson;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.notes = List.copyOf(notes);
        this.resources = new ArrayList<>(resources);
    }

    public Path source() {
        return source;
    }

    public SourceKind kind() {
        return kind;
    }

    /** Tensors in Hugging Face order: embeddings, encoder layers by number, pooler, heads. */
    public List<ImportedTensor> tensors() {
        return tensors;
    }

    public Optional<ImportedTensor> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The values of {@code config.json}, with Hugging Face's key names, in the order written. */
    public Map<String, Object> config() {
        return config;
    }

    /** The shared view of the configuration; {@code inferred} is true when no config file came with the source. */
    public ModelConfig modelConfig() {
        return new ModelConfig(
                String.valueOf(config.getOrDefault("model_type", "bert")),
                intValue("hidden_size"),
                intValue("num_hidden_layers"),
                intValue("num_attention_heads"),
                intValue("intermediate_size"),
                intValue("vocab_size"),
                config.get("initializer_range") instanceof Number n ? n.doubleValue() : 0.02,
                !"config".equals(metadata.get(Importers.META_CONFIG_FROM)));
    }

    private int intValue(String key) {
        return config.get(key) instanceof Number n ? n.intValue() : 0;
    }

    /** The WordPiece vocabulary, one token a line, when the source had one or a tokenizer to derive it from. */
    public Optional<byte[]> vocabTxt() {
        return Optional.ofNullable(vocabTxt);
    }

    /** The source's {@code tokenizer.json}, byte for byte. */
    public Optional<byte[]> tokenizerJson() {
        return Optional.ofNullable(tokenizerJson);
    }

    /** String metadata for the weights file: source, format, what was done to the tensors. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** What a person should know about this import, one sentence each. */
    public List<String> notes() {
        return notes;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("cannot release " + source + ": " + e.getMessage(), e);
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }
}
