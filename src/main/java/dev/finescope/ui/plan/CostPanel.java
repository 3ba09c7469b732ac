package dev.finescope.ui.plan;

import dev.finescope.plan.PlanCost;
import javafx.beans.value.ObservableStringValue;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/**
 * What the plan being edited costs, beside the grid where the details of a selection usually are, so the
 * consequences of a click are in view while clicking. Bound to the view model's texts; computes nothing.
 */
final class CostPanel extends VBox {

    CostPanel(PlanEditorViewModel vm) {
        getStyleClass().add("cost-panel");
        Label title = new Label("What this plan costs");
        title.getStyleClass().add("title");
        Label planName = new Label();
        planName.setId("plan-name");
        planName.setWrapText(true);
        planName.textProperty().bind(vm.planProperty().map(p -> "Plan: " + (p.name().isEmpty() ? "unnamed" : p.name())));

        Label problem = new Label();
        problem.setId("cost-problem");
        problem.getStyleClass().add("problem");
        problem.setWrapText(true);
        problem.textProperty().bind(vm.costProblemProperty());
        problem.visibleProperty().bind(vm.costProblemProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());

        CostTexts t = vm.costTexts();
        getChildren().addAll(title, planName, problem,
                entry("Trainable parameters", "trainable", t.trainableProperty(),
                        "Parameters the optimiser updates: trained tensors, the task head and, for sparsified "
                                + "matrices, one mask score per entry."),
                entry("Stored per task", "stored", t.storedProperty(),
                        "Bytes of the task's overlay next to the shared base (fp32 trained tensors, 1 bit per "
                                + "mask entry), against a full fp32 copy of the model."),
                entry("Entries set to zero", "zeroed", t.zeroedProperty(),
                        "Entries the learned masks zero, of all entries of sparsified matrices."),
                entry("Encoder work the zeros could skip", "flops", t.flopsProperty(),
                        "Share of the encoder's multiply-adds per token (matrices and attention at 128 tokens) "
                                + "that falls on zeroed entries."),
                entry("Masks, entropy-coded", "masks", t.masksProperty(),
                        "The masks' size under ideal entropy coding, and as plain bits."),
                note("Counted for a task head of " + PlanCost.Assumptions.DEFAULT.labels() + " labels and "
                        + PlanCost.Assumptions.DEFAULT.sequenceLength() + "-token inputs."),
                note("○ frozen: keeps its pre-trained values\n● train: every entry trains\n"
                        + "◐ s%: a learned mask zeroes s of its entries\nhatched grey: the model has no such matrix\n"
                        + "outlined: selected; the sparsity slider acts on it"));
    }

    private static VBox entry(String name, String id, ObservableStringValue value, String explanation) {
        Label n = new Label(name);
        n.getStyleClass().add("cost-name");
        Label v = new Label();
        v.setId(id);
        v.getStyleClass().add("cost-value");
        v.setWrapText(true);
        v.textProperty().bind(value);
        VBox box = new VBox(2, n, v);
        Tooltip.install(box, new Tooltip(explanation));
        return box;
    }

    private static Label note(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("note");
        l.setWrapText(true);
        return l;
    }
}
