package dev.finescope.ui.plan;

import dev.finescope.plan.Plan;
import java.util.ArrayDeque;
import java.util.Deque;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The edited plan and the plans before it, so every change can be undone. A drag or a slider gesture is one step
 * for the user however many changes it makes, so a change may also fold into the last step. The history is
 * bounded: the oldest steps go first.
 */
final class PlanHistory {

    /** How many steps back the user can go. */
    static final int UNDO_LIMIT = 100;

    private final ReadOnlyObjectWrapper<Plan> plan;
    private final ReadOnlyBooleanWrapper canUndo;
    private final Deque<Plan> undoStack = new ArrayDeque<>();

    /** Starts at {@code first} with nothing to undo; {@code bean} owns the properties, as the views see them. */
    PlanHistory(Object bean, Plan first) {
        plan = new ReadOnlyObjectWrapper<>(bean, "plan", first);
        canUndo = new ReadOnlyBooleanWrapper(bean, "canUndo");
    }

    /** The plan being edited; never null. */
    ReadOnlyObjectProperty<Plan> planProperty() {
        return plan.getReadOnlyProperty();
    }

    ReadOnlyBooleanProperty canUndoProperty() {
        return canUndo.getReadOnlyProperty();
    }

    Plan current() {
        return plan.get();
    }

    boolean canUndo() {
        return !undoStack.isEmpty();
    }

    /** A change the user can undo; nothing happens when {@code next} is the current plan. */
    void edit(Plan next) {
        Plan current = plan.get();
        if (next.equals(current)) {
            return;
        }
        undoStack.push(current);
        while (undoStack.size() > UNDO_LIMIT) {
            undoStack.removeLast();
        }
        canUndo.set(true);
        plan.set(next);
    }

    /** A change folded into the last undo step (a drag, a slider gesture). */
    void replace(Plan next) {
        plan.set(next);
    }

    /** Goes back to the plan before the last change, if there was one. */
    void undo() {
        if (undoStack.isEmpty()) {
            return;
        }
        plan.set(undoStack.pop());
        canUndo.set(!undoStack.isEmpty());
    }
}
