package dev.finescope.cli;

import dev.finescope.whatif.PruneMethod;
import picocli.CommandLine.Option;

/** How matrices are pruned, for {@code whatif prune} and {@code whatif sweep}: a picocli mixin. */
final class WhatIfPruneOptions {

    @Option(names = "--method", defaultValue = "magnitude", paramLabel = "magnitude|random",
            description = "Smallest |w| first, or a seeded random choice (default ${DEFAULT-VALUE}).")
    PruneMethod method;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of random pruning.")
    long seed;
}
