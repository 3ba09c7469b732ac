package dev.finescope.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of {@link RunEvent}s: one compact object per line, numbers that JSON cannot hold as strings. */
final class EventCodec {

    private EventCodec() {
    }

    static String format(RunEvent event) {
        ObjectNode n = Json.object();
        n.put("type", event.type());
        n.put("time", event.time().toString());
        if (event instanceof RunEvent.Started s) {
            n.put("device", s.device());
            n.put("trainExamples", s.trainExamples());
            n.put("devExamples", s.devExamples());
            n.put("trainableParameters", s.trainableParameters());
            n.put("totalParameters", s.totalParameters());
            n.put("totalSteps", s.totalSteps());
        } else if (event instanceof RunEvent.Step s) {
            n.put("step", s.step());
            n.put("totalSteps", s.totalSteps());
            n.put("epoch", s.epoch());
            Json.putNumber(n, "loss", s.loss());
            Json.putNumber(n, "learningRate", s.learningRate());
            Json.putNumber(n, "examplesPerSecond", s.examplesPerSecond());
        } else if (event instanceof RunEvent.Evaluation e) {
            n.put("step", e.step());
            n.put("split", e.split());
            putMetrics(n, e.metrics());
        } else if (event instanceof RunEvent.CheckpointSaved c) {
            n.put("step", c.step());
            n.put("path", c.path());
        } else if (event instanceof RunEvent.Finished f) {
            n.put("step", f.step());
            putMetrics(n, f.metrics());
            n.put("overlay", f.overlay());
        } else if (event instanceof RunEvent.Failed f) {
            n.put("reason", f.reason());
        } else if (event instanceof RunEvent.Cancelled c) {
            n.put("step", c.step());
        } else if (event instanceof RunEvent.Interrupted i) {
            n.put("step", i.step());
            n.put("checkpoint", i.checkpoint());
        } else if (event instanceof RunEvent.Resumed r) {
            n.put("step", r.step());
            n.put("checkpoint", r.checkpoint());
            n.put("discardedEvents", r.discardedEvents());
        }
        try {
            return Json.COMPACT.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event always serialises", e);
        }
    }

    static RunEvent parse(String line) {
        JsonNode n;
        try {
            n = Json.COMPACT.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode typeNode = n.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new IllegalArgumentException("an event needs a 'type'");
        }
        String type = typeNode.asText();
        String w = "a " + type + " event";
        Instant time;
        try {
            time = Instant.parse(Json.text(n, "time", w));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(w + " has a time that is not ISO-8601: " + n.get("time"));
        }
        return switch (type) {
            case "started" -> new RunEvent.Started(time, Json.text(n, "device", w),
                    Json.intValue(n, "trainExamples", w), Json.intValue(n, "devExamples", w),
                    Json.integer(n, "trainableParameters", w), Json.integer(n, "totalParameters", w),
                    Json.integer(n, "totalSteps", w));
            case "step" -> new RunEvent.Step(time, Json.integer(n, "step", w), Json.integer(n, "totalSteps", w),
                    Json.intValue(n, "epoch", w), Json.number(n, "loss", w), Json.number(n, "learningRate", w),
                    Json.number(n, "examplesPerSecond", w));
            case "evaluation" -> new RunEvent.Evaluation(time, Json.integer(n, "step", w),
                    Json.text(n, "split", w), metrics(n, w));
            case "checkpoint" -> new RunEvent.CheckpointSaved(time, Json.integer(n, "step", w),
                    Json.text(n, "path", w));
            case "finished" -> new RunEvent.Finished(time, Json.integer(n, "step", w), metrics(n, w),
                    Json.text(n, "overlay", w));
            case "failed" -> new RunEvent.Failed(time, Json.text(n, "reason", w));
            case "cancelled" -> new RunEvent.Cancelled(time, Json.integer(n, "step", w));
            case "interrupted" -> new RunEvent.Interrupted(time, Json.integer(n, "step", w),
                    Json.text(n, "checkpoint", w));
            case "resumed" -> new RunEvent.Resumed(time, Json.integer(n, "step", w), Json.text(n, "checkpoint", w),
                    Json.intValue(n, "discardedEvents", w));
            default -> throw new IllegalArgumentException("unknown event type '" + type + "'");
        };
    }

    private static void putMetrics(ObjectNode n, Map<String, Double> metrics) {
        ObjectNode m = n.putObject("metrics");
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            Json.putNumber(m, e.getKey(), e.getValue());
        }
    }

    private static Map<String, Double> metrics(JsonNode n, String where) {
        JsonNode m = Json.required(n, "metrics", where);
        if (!m.isObject()) {
            throw new IllegalArgumentException(where + " has metrics that are not an object");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), Json.numberValue(e.getValue(), where + " metric " + e.getKey()));
        }
        return out;
    }
}
