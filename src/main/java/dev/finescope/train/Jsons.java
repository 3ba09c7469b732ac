package dev.finescope.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Compact JSON for overlay metadata and provenance, where values are strings, numbers or small maps. */
final class Jsons {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Jsons() {
    }

    static String object(Map<String, String> values) {
        ObjectNode o = MAPPER.createObjectNode();
        values.forEach(o::put);
        return write(o);
    }

    /** Metrics as a JSON object; NaN and infinities as strings, as the run folder writes them. */
    static String metrics(Map<String, Double> values) {
        ObjectNode o = MAPPER.createObjectNode();
        values.forEach((k, v) -> {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                o.put(k, Double.toString(v));
            } else {
                o.put(k, v);
            }
        });
        return write(o);
    }

    static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
    }
}
