package dev.finescope.ui.runs;

import dev.finescope.run.HyperParameters;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;

/**
 * The hyper-parameters of a run as a property sheet: every knob of {@link HyperParameters} with its default
 * filled in and one sentence on what it does, all in view at once. Editing a value replaces the form's
 * hyper-parameters, so the form checks them as they are typed.
 */
final class HyperParameterSheet {

    private HyperParameterSheet() {
    }

    /**
     * One knob: its name in the run spec and the command line's option, the words a user reads (with its unit),
     * group, sentence, type and how to read and set it.
     */
    private record Knob(String name, String label, String option, String category, String description,
            Class<? extends Number> type,
            Function<HyperParameters, Number> get,
            BiFunction<HyperParameters.Builder, Number, HyperParameters.Builder> set) {
    }

    private static final List<Knob> KNOBS = List.of(
            new Knob("epochs", "Epochs (passes over the data)", "--epochs",
                    "1 · Schedule", "Passes over the training data.", Integer.class,
                    HyperParameters::epochs, (b, v) -> b.epochs(v.intValue())),
            new Knob("maxSteps", "Maximum steps (0: no limit)", "--max-steps",
                    "1 · Schedule", "Stop after this many steps; 0 means no limit (for quick trials).",
                    Integer.class, HyperParameters::maxSteps, (b, v) -> b.maxSteps(v.intValue())),
            new Knob("warmupRatio", "Warm-up (share of steps, 0–1)", null,
                    "1 · Schedule", "Share of the steps with a linear warm-up, then linear decay "
                    + "to 0.", Double.class, HyperParameters::warmupRatio, (b, v) -> b.warmupRatio(v.doubleValue())),
            new Knob("evalEverySteps", "Evaluate every (steps; 0: each epoch)", "--eval-every",
                    "1 · Schedule", "Evaluate on the dev split every N steps; 0 evaluates at "
                    + "the end of each epoch.", Integer.class, HyperParameters::evalEverySteps,
                    (b, v) -> b.evalEverySteps(v.intValue())),
            new Knob("learningRate", "Learning rate of the weights", "--lr",
                    "2 · Optimiser", "AdamW peak learning rate of trained weights and the head.",
                    Double.class, HyperParameters::learningRate, (b, v) -> b.learningRate(v.doubleValue())),
            new Knob("scoreLearningRate", "Learning rate of the mask scores", "--score-lr",
                    "2 · Optimiser", "Adam peak learning rate of the mask scores of "
                    + "sparsified matrices.", Double.class, HyperParameters::scoreLearningRate,
                    (b, v) -> b.scoreLearningRate(v.doubleValue())),
            new Knob("weightDecay", "Weight decay (AdamW coefficient)", null,
                    "2 · Optimiser", "AdamW weight decay; never applied to biases and LayerNorms.",
                    Double.class, HyperParameters::weightDecay, (b, v) -> b.weightDecay(v.doubleValue())),
            new Knob("gradientClip", "Gradient clipping (largest norm; 0: off)", null,
                    "2 · Optimiser", "Limit on the global gradient norm; 0 turns clipping off.",
                    Double.class, HyperParameters::gradientClip, (b, v) -> b.gradientClip(v.doubleValue())),
            new Knob("batchSize", "Batch size (examples per step)", "--batch-size",
                    "3 · Data", "Examples per step.", Integer.class, HyperParameters::batchSize,
                    (b, v) -> b.batchSize(v.intValue())),
            new Knob("maxLength", "Maximum length (tokens per example)", "--max-len",
                    "3 · Data", "Tokens per example after truncation.", Integer.class,
                    HyperParameters::maxLength, (b, v) -> b.maxLength(v.intValue())),
            new Knob("seed", "Random seed", "--seed",
                    "3 · Data", "Seeds shuffling, dropout and the head's initial weights.", Long.class,
                    HyperParameters::seed, (b, v) -> b.seed(v.longValue())));

    /** The words a knob is shown by, for tests: its label in the sheet. */
    static List<String> labels() {
        return KNOBS.stream().map(Knob::label).toList();
    }

    /** A sheet editing {@code values}. */
    static PropertySheet create(ObjectProperty<HyperParameters> values) {
        PropertySheet sheet = new PropertySheet();
        sheet.setId("hyper-parameters");
        sheet.setMode(PropertySheet.Mode.NAME);
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        for (Knob k : KNOBS) {
            sheet.getItems().add(new Item(k, values));
        }
        return sheet;
    }

    private static final class Item implements PropertySheet.Item {
        private final Knob knob;
        private final ObjectProperty<HyperParameters> values;

        Item(Knob knob, ObjectProperty<HyperParameters> values) {
            this.knob = knob;
            this.values = values;
        }

        @Override
        public Class<?> getType() {
            return knob.type();
        }

        @Override
        public String getCategory() {
            return knob.category();
        }

        /** Words and a unit; the spec's field name is in the description, which is the tooltip. */
        @Override
        public String getName() {
            return knob.label();
        }

        @Override
        public String getDescription() {
            return knob.description() + "\n(" + knob.name() + " in spec.json"
                    + (knob.option() == null ? "" : ", " + knob.option() + " of finescope train") + ")";
        }

        @Override
        public Object getValue() {
            return knob.get().apply(values.get());
        }

        @Override
        public void setValue(Object value) {
            if (value instanceof Number n) {
                values.set(knob.set().apply(values.get().toBuilder(), n).build());
            }
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() {
            return Optional.empty();
        }
    }
}
