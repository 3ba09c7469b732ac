package dev.finescope.train.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scores of {@link TaskMetric}, computed as the GLUE evaluation (scikit-learn and SciPy) computes them, so a
 * number FineScope reports is the number a paper or the leaderboard would report for the same predictions:
 * accuracy; F1 of the positive class (label 1); Matthews correlation (the multi-class form, which is the
 * binary φ coefficient for two classes, 0 when a row or column of the confusion matrix is empty); Pearson; and
 * Spearman with tied values given their average rank. Pearson and Spearman of a constant series are NaN.
 */
public final class GlueMetrics {

    private GlueMetrics() {
    }

    /** The metric's key in events and {@code metrics.json}: {@code accuracy}, {@code f1}, {@code matthews} … */
    public static String key(TaskMetric metric) {
        return metric.name().toLowerCase(Locale.ROOT);
    }

    /** The requested metrics of a classification, keyed by {@link #key}. Pearson and Spearman do not apply. */
    public static Map<String, Double> classification(List<TaskMetric> metrics, int[] labels, int[] predictions) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (TaskMetric m : metrics) {
            double v = switch (m) {
                case ACCURACY -> accuracy(labels, predictions);
                case F1 -> f1(labels, predictions);
                case MATTHEWS -> matthews(labels, predictions);
                case PEARSON, SPEARMAN -> throw new IllegalArgumentException(m.displayName()
                        + " needs real-valued predictions, not classes");
            };
            out.put(key(m), v);
        }
        return out;
    }

    /** The requested metrics of a regression, keyed by {@link #key}. Only Pearson and Spearman apply. */
    public static Map<String, Double> regression(List<TaskMetric> metrics, double[] targets, double[] predictions) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (TaskMetric m : metrics) {
            double v = switch (m) {
                case PEARSON -> pearson(targets, predictions);
                case SPEARMAN -> spearman(targets, predictions);
                case ACCURACY, F1, MATTHEWS -> throw new IllegalArgumentException(m.displayName()
                        + " needs classes, not real-valued predictions");
            };
            out.put(key(m), v);
        }
        return out;
    }

    /** Share of predictions equal to their label. */
    public static double accuracy(int[] labels, int[] predictions) {
        check(labels.length, predictions.length);
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == predictions[i]) {
                right++;
            }
        }
        return right / (double) labels.length;
    }

    /**
     * F1 of class 1: {@code 2·TP / (2·TP + FP + FN)}; 0 when there is no true positive (scikit-learn's value
     * when precision or recall is undefined).
     */
    public static double f1(int[] labels, int[] predictions) {
        check(labels.length, predictions.length);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean truth = labels[i] == 1;
            boolean said = predictions[i] == 1;
            if (truth && said) {
                tp++;
            } else if (said) {
                fp++;
            } else if (truth) {
                fn++;
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /**
     * Matthews correlation over any number of classes (Gorodkin's R_K, scikit-learn's {@code matthews_corrcoef}):
     * {@code (c·s − Σ p_k·t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²))} with {@code c} correct predictions, {@code s}
     * examples, {@code p_k} and {@code t_k} the times class k was predicted and was true; 0 when the
     * denominator is 0.
     */
    public static double matthews(int[] labels, int[] predictions) {
        check(labels.length, predictions.length);
        int classes = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || predictions[i] < 0) {
                throw new IllegalArgumentException("class ids start at 0: label " + labels[i] + ", prediction "
                        + predictions[i] + " at " + i);
            }
            classes = Math.max(classes, Math.max(labels[i], predictions[i]) + 1);
        }
        double[] predicted = new double[classes];
        double[] truth = new double[classes];
        double correct = 0;
        for (int i = 0; i < labels.length; i++) {
            predicted[predictions[i]]++;
            truth[labels[i]]++;
            if (labels[i] == predictions[i]) {
                correct++;
            }
        }
        double s = labels.length;
        double pt = 0;
        double pp = 0;
        double tt = 0;
        for (int k = 0; k < classes; k++) {
            pt += predicted[k] * truth[k];
            pp += predicted[k] * predicted[k];
            tt += truth[k] * truth[k];
        }
        double denominator = Math.sqrt((s * s - pp) * (s * s - tt));
        return denominator == 0 ? 0 : (correct * s - pt) / denominator;
    }

    /** Pearson's correlation; NaN when either series is constant. */
    public static double pearson(double[] x, double[] y) {
        check(x.length, y.length);
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return Double.NaN;
        }
        double r = sxy / Math.sqrt(sxx * syy);
        return Math.max(-1, Math.min(1, r));
    }

    /** Spearman's rank correlation: Pearson's of the ranks, tied values sharing their average rank. */
    public static double spearman(double[] x, double[] y) {
        check(x.length, y.length);
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks, ties given the mean of the ranks they span (SciPy's {@code rankdata(method="average")}). */
    public static double[] ranks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(values[i])) {
                throw new IllegalArgumentException("value " + i + " is NaN and has no rank");
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static void check(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException(a + " labels but " + b + " predictions");
        }
        if (a == 0) {
            throw new IllegalArgumentException("no examples to score");
        }
    }
}
