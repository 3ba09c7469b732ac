package dev.finescope.train;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.plan.MaskOptions;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanException;
import dev.finescope.plan.TensorDecision;
import dev.finescope.plan.TensorRole;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plan made for a model, turned into what the encoder and the optimizer need: a {@link TrainingPolicy} for
 * building the layers, and the rule that decides which of the model's tensors the optimizer may change. Both read
 * the plan's own {@link TensorDecision}s ({@link Plan#resolve}), the single answer the cost panel and the overlay
 * also read, so what trains is exactly what the plan priced and what the overlay stores.
 *
 * <p>A LayerNorm's gain and bias are one unit in the encoder; when a plan trains only one of them (BitFit trains
 * LayerNorm biases, not gains), the unit records gradients for both and the optimizer updates only the one the
 * plan names, so the other stays bit for bit pre-trained.
 */
public final class PlanPolicies {

    private final Plan plan;
    private final List<TensorDecision> decisions;
    private final Map<String, TensorDecision> byCanonicalName;
    private final String prefix;

    private PlanPolicies(Plan plan, List<TensorDecision> decisions, String prefix) {
        this.plan = plan;
        this.decisions = List.copyOf(decisions);
        this.prefix = prefix;
        Map<String, TensorDecision> m = new LinkedHashMap<>();
        for (TensorDecision d : decisions) {
            String name = d.tensor().name();
            m.put(name.startsWith(prefix) ? name.substring(prefix.length()) : name, d);
        }
        this.byCanonicalName = Collections.unmodifiableMap(m);
    }

    /**
     * Resolves {@code plan} against the tensors of {@code checkpoint} (located with {@code names}).
     *
     * @throws PlanException naming every cell the model lacks ("layer 13 does not exist …"), or a matrix the
     *                       trainer cannot handle the way the plan asks
     */
    public static PlanPolicies resolve(Plan plan, Checkpoint checkpoint, NameMap names) {
        ModelLayout layout = ModelLayout.of(checkpoint, names::locate);
        List<TensorDecision> decisions = plan.resolve(layout);
        String prefix = checkpoint.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        List<String> problems = new ArrayList<>();
        for (TensorDecision d : decisions) {
            Optional<GridRow.Kind> row = d.tensor().gridPosition().map(p -> p.row().kind());
            if (d.role() == TensorRole.MASKED && row.isPresent() && row.get() == GridRow.Kind.EMBEDDINGS) {
                problems.add(d.tensor().name() + " is an embedding table, which can be frozen or fine-tuned but "
                        + "not sparsified");
            }
        }
        if (!problems.isEmpty()) {
            String who = plan.name().isEmpty() ? "the plan" : "plan '" + plan.name() + "'";
            throw new PlanException(null, who + " cannot be trained: " + String.join("; ", problems));
        }
        return new PlanPolicies(plan, decisions, prefix);
    }

    public Plan plan() {
        return plan;
    }

    /** The decision for every tensor of the base, in the base's order. */
    public List<TensorDecision> decisions() {
        return decisions;
    }

    /** The decision for a tensor named as in the base checkpoint, if the base has it. */
    public Optional<TensorDecision> decision(String checkpointName) {
        String canonical = checkpointName.startsWith(prefix) ? checkpointName.substring(prefix.length())
                : checkpointName;
        return Optional.ofNullable(byCanonicalName.get(canonical));
    }

    /** The encoder's view of the plan. */
    public TrainingPolicy policy() {
        MaskOptions mask = plan.mask();
        boolean topK = mask.mode() == MaskOptions.Mode.TOP_K;
        float c = (float) mask.scoreInit();
        return new TrainingPolicy() {
            @Override
            public MatrixSetup matrix(String name) {
                TensorDecision d = byCanonicalName.get(name + ".weight");
                if (d == null) {
                    d = byCanonicalName.get(name);
                }
                if (d == null) {
                    return MatrixSetup.frozen();
                }
                return switch (d.role()) {
                    case FROZEN -> MatrixSetup.frozen();
                    case TRAINED -> MatrixSetup.trainable();
                    case MASKED -> new MatrixSetup(LinearMode.MASKED, d.sparsity(), topK, c);
                };
            }

            @Override
            public boolean trainsVector(String name) {
                if (trains(name)) {
                    return true;
                }
                // a LayerNorm is asked by its gain's name; it must record gradients when its bias trains
                return name.endsWith(".LayerNorm.weight")
                        && trains(name.substring(0, name.length() - "weight".length()) + "bias");
            }
        };
    }

    private boolean trains(String canonicalName) {
        TensorDecision d = byCanonicalName.get(canonicalName);
        return d != null && d.role() == TensorRole.TRAINED;
    }

    /**
     * Whether the optimizer updates a tensor of the built model: mask scores and the task head always, other
     * tensors when the plan trains them.
     */
    public boolean updates(ModelParameter p) {
        if (!p.trainable()) {
            return false;
        }
        if (p.group() == ParameterGroup.SCORES || p.name().startsWith("classifier.")) {
            return true;
        }
        return decision(p.name()).map(d -> d.role() == TensorRole.TRAINED).orElse(false);
    }

    /** The tensors of {@code model} the optimizer updates, in model order. */
    public List<ModelParameter> updated(BertEncoder model) {
        return model.parameters().stream().filter(this::updates).toList();
    }

    /**
     * Tensors that record a gradient only because they share a unit with a trained tensor; their gradients are
     * cleared after each step without an update.
     */
    public List<ModelParameter> gradientOnly(BertEncoder model) {
        return model.parameters().stream().filter(p -> p.trainable() && !updates(p)).toList();
    }
}
