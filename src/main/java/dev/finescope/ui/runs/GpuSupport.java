package dev.finescope.ui.runs;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Whether a run could train on a GPU here, as far as the app knows without loading PyTorch: the build ships
 * PyTorch's CPU library, and only a CUDA build named by {@code PYTORCH_FLAVOR} (cu126, cu128…, in the environment or
 * as a system property, as the README's "Using a GPU" says) can see one.
 */
final class GpuSupport {

    static final String FLAVOR = "PYTORCH_FLAVOR";

    private GpuSupport() {
    }

    /** Why no run can use a GPU here; empty when one might. */
    static Optional<String> whyNone() {
        return whyNone(System.getenv(), System.getProperties());
    }

    static Optional<String> whyNone(Map<String, String> env, Properties properties) {
        String flavor = properties.getProperty(FLAVOR, env.getOrDefault(FLAVOR, ""));
        if (flavor.toLowerCase(Locale.ROOT).startsWith("cu")) {
            return Optional.empty();
        }
        return Optional.of("no GPU: this FineScope carries PyTorch's CPU library only (the README's \"Using a GPU\" "
                + "says how to give it a CUDA build)");
    }
}
