/**
 * The What-if tab: prune or revert parts of a fine-tuned model and see what the task loses, sweep every matrix's
 * sensitivity to pruning, and compare the learned masks of several runs. Built on the {@code whatif} API alone
 * (never on the training engine), with experiments running in-process on the app's executor as cancellable
 * tasks, and pictures drawn with the {@code chart} package like every other chart of the product.
 */
package dev.finescope.ui.whatif;
