package dev.finescope.plan;

import dev.finescope.checkpoint.GridPosition;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A tensor as far as a plan cares: its name, its shape and where it sits on the grid. No data, so plans and
 * their costs can be worked out for a model that is not loaded, or for a shape alone.
 *
 * @param position the grid position, or {@code null} for a tensor outside the grid
 */
public record LayoutTensor(String name, long[] shape, GridPosition position) {

    public LayoutTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + " has a negative dimension in " + Arrays.toString(shape));
            }
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public Optional<GridPosition> gridPosition() {
        return Optional.ofNullable(position);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayoutTensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Objects.equals(position, t.position);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), position);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (position == null ? "" : " at " + position);
    }
}
